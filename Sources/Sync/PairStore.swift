import Foundation
import DHIS2
import Postgres

/// Pairs, their org units and their data sets as the database keeps them.
public struct PairStore: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Adds a pair between two registered instances; returns its id.
    @discardableResult
    public func add(_ definition: Pair.Definition) async throws -> Int {
        let instances = InstanceStore(connection: connection)
        let source = try await instances.get(definition.source)
        let destination = try await instances.get(definition.destination)
        guard source.id != destination.id else {
            throw SyncError(.invalidInput, "a pair needs two different instances; '\(definition.source)' is both")
        }
        if let bad = (definition.rootOrgUnits + definition.dataSetFilter).first(where: { !UID.isValid($0) }) {
            throw SyncError(.invalidInput, "'\(bad)' is not a DHIS2 UID (a letter, then 10 letters or digits)")
        }
        try Self.checkVia(definition)
        let via = definition.viaAuthentication.map(InstanceStore.columns)
        do {
            return try await connection.query(
                """
                INSERT INTO pairs (name, source_id, destination_id, org_unit_level, root_org_units, data_set_filter,
                                   include_deleted, deletion_policy, id_scheme, batch_size, via_url, refresh_analytics,
                                   via_auth_kind, via_username, via_credential_ref)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id
                """,
                [
                    definition.name, source.id, destination.id, definition.orgUnitLevel,
                    PostgresTextArray(definition.rootOrgUnits), PostgresTextArray(definition.dataSetFilter),
                    definition.includeDeleted, definition.deletionPolicy.rawValue, definition.idScheme.rawValue,
                    definition.batchSize, definition.viaURL, definition.refreshAnalytics, via?.0 ?? "none", via?.1,
                    via?.2,
                ]
            )[0].decode(Int.self, at: 0)
        } catch {
            switch error.sqlState {
            case "23505":
                throw SyncError(.invalidInput, "a pair named '\(definition.name)' already exists; pick another name")
            case "23514":
                throw SyncError(
                    .invalidInput,
                    "pair '\(definition.name)' was refused by the database's checks: \(error.message)"
                )
            default:
                throw error
            }
        }
    }

    public func list() async throws -> [Pair] {
        try await pairs(where: "TRUE", [])
    }

    /// The pair with this name; an unknown name is an error saying how to list the known ones.
    public func get(_ name: String) async throws -> Pair {
        guard let pair = try await pairs(where: "p.name = $1", [name]).first else {
            throw SyncError(.invalidInput, "no pair named '\(name)'; `dhis2-sync pair list` shows the known ones")
        }
        return pair
    }

    /// Every enabled pair, for a run without `--pair`.
    public func enabled() async throws -> [Pair] {
        try await pairs(where: "p.enabled", [])
    }

    public func setEnabled(_ name: String, _ enabled: Bool) async throws {
        try await setFlag(.enabled, of: name, to: enabled)
    }

    /// Turns the after-run analytics refresh of a pair on or off.
    public func setRefreshAnalytics(_ name: String, _ on: Bool) async throws {
        try await setFlag(.refreshAnalytics, of: name, to: on)
    }

    /// The boolean columns a pair's flags live in; a closed set, so the column name is never input.
    private enum Flag: String {
        case enabled
        case refreshAnalytics = "refresh_analytics"
    }

    private func setFlag(_ flag: Flag, of name: String, to value: Bool) async throws {
        let changed = try await connection.execute(
            "UPDATE pairs SET \(flag.rawValue) = $2, updated_at = now() WHERE name = $1",
            [name, value]
        )
        if changed == 0 {
            throw SyncError(.invalidInput, "no pair named '\(name)'; `dhis2-sync pair list` shows the known ones")
        }
    }

    private func pairs(where condition: String, _ parameters: [(any PostgresEncodable)?]) async throws -> [Pair] {
        let rows = try await connection.query(
            """
            SELECT p.id, p.name, s.name, d.name, p.org_unit_level, array_to_string(p.root_org_units, ','),
                   array_to_string(p.data_set_filter, ','), p.include_deleted, p.deletion_policy, p.id_scheme,
                   p.batch_size, p.via_url, p.enabled, p.refresh_analytics, p.via_auth_kind, p.via_username,
                   p.via_credential_ref
            FROM pairs p JOIN instances s ON s.id = p.source_id JOIN instances d ON d.id = p.destination_id
            WHERE \(condition) ORDER BY p.name
            """,
            parameters
        )
        let instances = try await InstanceStore(connection: connection).list()
        let byName = Dictionary(uniqueKeysWithValues: instances.map { ($0.instance.name, $0.instance) })
        return try rows.map { row in
            let (id, name, source, destination, level, roots, filter) = try row.decode(
                (Int, String, String, String, Int, String, String).self
            )
            let includeDeleted = try row.decode(Bool.self, at: 7)
            let policy = try row.decode(String.self, at: 8)
            let scheme = try row.decode(String.self, at: 9)
            let batchSize = try row.decode(Int.self, at: 10)
            let via = try row.decode(String?.self, at: 11)
            let enabled = try row.decode(Bool.self, at: 12)
            let refreshAnalytics = try row.decode(Bool.self, at: 13)
            let viaKind = try row.decode(String.self, at: 14)
            let viaUsername = try row.decode(String?.self, at: 15)
            let viaAuthentication = try row.decode(String?.self, at: 16).map { reference in
                try InstanceStore.authentication(kind: viaKind, username: viaUsername, reference: reference)
            }
            guard let sourceInstance = byName[source], let destinationInstance = byName[destination] else {
                throw SyncError(.schema, "pair '\(name)' points at an instance that cannot be read")
            }
            return Pair(
                id: id,
                name: name,
                source: sourceInstance,
                destination: destinationInstance,
                orgUnitLevel: level,
                rootOrgUnits: Self.list(roots),
                dataSetFilter: Self.list(filter),
                includeDeleted: includeDeleted,
                deletionPolicy: Pair.DeletionPolicy(rawValue: policy) ?? .propagate,
                idScheme: Pair.IDScheme(rawValue: scheme) ?? .uid,
                batchSize: batchSize,
                viaURL: via,
                viaAuthentication: viaAuthentication,
                enabled: enabled,
                refreshAnalytics: refreshAnalytics
            )
        }
    }

    /// A middleware URL is logged and stored, so it may not carry credentials; those need a URL to go to.
    private static func checkVia(_ definition: Pair.Definition) throws {
        guard let url = definition.viaURL else {
            if definition.viaAuthentication != nil {
                throw SyncError(.invalidInput, "middleware credentials need a middleware: give --via URL too")
            }
            return
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw SyncError(
                .invalidInput,
                "--via must be an http:// or https:// URL, e.g. https://mw.example.org/queue"
            )
        }
        let authority = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else {
            throw SyncError(
                .invalidInput,
                "--via needs a host and must not carry credentials; give them as --via-token-env/--via-password-env"
            )
        }
    }

    private static func list(_ joined: String) -> [String] {
        joined.split(separator: ",").map(String.init)
    }
}

/// A `text[]` parameter, sent in PostgreSQL's array literal syntax: every element quoted, nil as NULL.
struct PostgresTextArray: PostgresEncodable {
    var elements: [String?]
    init(_ elements: [String?]) { self.elements = elements }

    static var postgresTypeOID: UInt32 { 1009 }  // text[]

    var postgresText: String {
        let quoted = elements.map { element -> String in
            guard let element else { return "NULL" }
            let escaped = element.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}

/// DHIS2's UID shape: a letter, then ten letters or digits.
enum UID {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 11 else { return false }
        func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
        return isLetter(bytes[0]) && bytes.dropFirst().allSatisfy { isLetter($0) || (48...57).contains($0) }
    }
}
