import Foundation
import JSONStream
import Postgres

/// A pair's id mappings and its quarantine of values that had none, as the database keeps them.
public struct MappingStore: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// One source object and the destination object it stands for.
    public struct Mapping: Sendable, Hashable {
        public enum Status: String, Sendable, CaseIterable { case proposed, confirmed }
        public enum MatchedBy: String, Sendable, CaseIterable { case uid, code, name, manual }

        public var kind: ValueTranslator.Kind
        public var sourceID: String
        public var destinationID: String
        public var status: Status
        public var matchedBy: MatchedBy

        public init(
            kind: ValueTranslator.Kind,
            sourceID: String,
            destinationID: String,
            status: Status = .confirmed,
            matchedBy: MatchedBy = .manual
        ) {
            self.kind = kind
            self.sourceID = sourceID
            self.destinationID = destinationID
            self.status = status
            self.matchedBy = matchedBy
        }
    }

    /// Adds or replaces mappings in one statement: all of them are written or none. With `overwrite`
    /// false (proposals), a row the operator already confirmed or entered is left as it is.
    @discardableResult
    public func save(_ mappings: [Mapping], pairID: Int, overwrite: Bool = true) async throws -> Int {
        guard !mappings.isEmpty else { return 0 }
        let keep = overwrite ? "" : "WHERE id_mappings.status = 'proposed' AND id_mappings.matched_by <> 'manual'"
        return try await connection.execute(
            """
            INSERT INTO id_mappings (pair_id, kind, source_id, destination_id, status, matched_by)
            SELECT $1, m.kind, m.source_id, m.destination_id, m.status, m.matched_by
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                 AS m (kind, source_id, destination_id, status, matched_by)
            ON CONFLICT (pair_id, kind, source_id) DO UPDATE
            SET destination_id = excluded.destination_id, status = excluded.status,
                matched_by = excluded.matched_by, updated_at = now()
            \(keep)
            """,
            [
                pairID,
                PostgresTextArray(mappings.map(\.kind.rawValue)),
                PostgresTextArray(mappings.map(\.sourceID)),
                PostgresTextArray(mappings.map(\.destinationID)),
                PostgresTextArray(mappings.map(\.status.rawValue)),
                PostgresTextArray(mappings.map(\.matchedBy.rawValue)),
            ]
        )
    }

    /// A pair's mappings, by kind and source id; optionally one kind or one status only.
    public func list(
        pairID: Int,
        kind: ValueTranslator.Kind? = nil,
        status: Mapping.Status? = nil
    ) async throws
        -> [Mapping]
    {
        try await connection.query(
            """
            SELECT kind, source_id, destination_id, status, matched_by FROM id_mappings
            WHERE pair_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)
            ORDER BY kind, source_id
            """,
            [pairID, kind?.rawValue, status?.rawValue]
        ).map { row in
            let (kind, source, destination, status, matched) = try row.decode(
                (String, String, String, String, String).self
            )
            return Mapping(
                kind: ValueTranslator.Kind(rawValue: kind) ?? .dataElement,
                sourceID: source,
                destinationID: destination,
                status: Mapping.Status(rawValue: status) ?? .proposed,
                matchedBy: Mapping.MatchedBy(rawValue: matched) ?? .manual
            )
        }
    }

    /// Confirms proposals: every one of the pair (optionally of one kind), or those with these source ids.
    /// Returns how many rows changed; an id with no mapping is an error naming it, and nothing changes.
    public func confirm(pairID: Int, kind: ValueTranslator.Kind?, sourceIDs: [String]?) async throws -> Int {
        let kindName = kind?.rawValue
        let ids = sourceIDs.map { PostgresTextArray($0) }
        return try await connection.transaction { db in
            if let sourceIDs {
                let known = try db.query(
                    """
                    SELECT DISTINCT source_id FROM id_mappings
                    WHERE pair_id = $1 AND ($2::text IS NULL OR kind = $2) AND source_id = ANY ($3::text[])
                    """,
                    [pairID, kindName, ids]
                ).map { try $0.decode(String.self, at: 0) }
                let missing = Swift.Set(sourceIDs).subtracting(known).sorted()
                if !missing.isEmpty {
                    throw SyncError(
                        .invalidInput,
                        "no mapping with source id \(missing.joined(separator: ", "))"
                            + "\(kindName.map { " of kind \($0)" } ?? ""); `dhis2-sync mapping list` shows them"
                    )
                }
            }
            return try db.execute(
                """
                UPDATE id_mappings SET status = 'confirmed', updated_at = now()
                WHERE pair_id = $1 AND status = 'proposed' AND ($2::text IS NULL OR kind = $2)
                      AND ($3::text[] IS NULL OR source_id = ANY ($3::text[]))
                """,
                [pairID, kindName, ids]
            )
        }
    }

    /// The translator for a pair's runs: its confirmed mappings only.
    public func translator(pairID: Int) async throws -> ValueTranslator {
        ValueTranslator(try await confirmed(pairID: pairID))
    }

    /// A pair's confirmed mappings, source id → destination id per kind.
    public func confirmed(pairID: Int) async throws -> [ValueTranslator.Kind: [String: String]] {
        var maps: [ValueTranslator.Kind: [String: String]] = [:]
        for mapping in try await list(pairID: pairID, status: .confirmed) {
            maps[mapping.kind, default: [:]][mapping.sourceID] = mapping.destinationID
        }
        return maps
    }

    /// A value kept back from the destination, with the key it was read under.
    public struct Quarantined: Sendable, Hashable {
        public var dataSet: String
        public var value: DataValue
        public var reason: String

        public init(dataSet: String, value: DataValue, reason: String) {
            self.dataSet = dataSet
            self.value = value
            self.reason = reason
        }
    }

    /// Records quarantined values of a run; the same value quarantined again in that run (a retried
    /// slice) is kept once.
    /// Returns how many rows are new (a retried slice quarantines a value of the run once).
    @discardableResult
    public func quarantine(_ values: [Quarantined], pairID: Int, runID: Int) async throws -> Int {
        guard !values.isEmpty else { return 0 }
        return try await connection.execute(
            """
            INSERT INTO quarantine (pair_id, run_id, data_set, period, org_unit, data_element, category_option_combo,
                                    attribute_option_combo, value, deleted, reason)
            SELECT $1, $2, q.ds, q.pe, q.ou, q.de, q.coc, q.aoc, q.value, q.deleted = 't', q.reason
            FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[])
                 AS q (ds, pe, ou, de, coc, aoc, value, deleted, reason)
            ON CONFLICT DO NOTHING
            """,
            [
                pairID, runID,
                PostgresTextArray(values.map(\.dataSet)),
                PostgresTextArray(values.map(\.value.period)),
                PostgresTextArray(values.map(\.value.orgUnit)),
                PostgresTextArray(values.map(\.value.dataElement)),
                PostgresTextArray(values.map(\.value.categoryOptionCombo)),
                PostgresTextArray(values.map(\.value.attributeOptionCombo)),
                PostgresTextArray(values.map(\.value.value)),
                PostgresTextArray(values.map { $0.value.deleted == true ? "t" : "f" }),
                PostgresTextArray(values.map(\.reason)),
            ]
        )
    }

    /// How many values a run quarantined.
    public func quarantinedCount(runID: Int) async throws -> Int {
        try await connection.query("SELECT count(*) FROM quarantine WHERE run_id = $1", [runID])[0]
            .decode(Int.self, at: 0)
    }

    /// `status` lines on a pair's quarantine: the latest run that quarantined values, its count and its
    /// most frequent reasons. Empty when nothing was ever quarantined.
    public func quarantineLines(pairID: Int, reasons limit: Int = 5) async throws -> [String] {
        let groups = try await connection.query(
            """
            SELECT run_id, reason, count(*) FROM quarantine
            WHERE pair_id = $1 AND run_id = (SELECT max(run_id) FROM quarantine WHERE pair_id = $1)
            GROUP BY run_id, reason ORDER BY 3 DESC, 2
            """,
            [pairID]
        ).map { row in try row.decode((Int, String, Int).self) }
        guard let run = groups.first?.0 else { return [] }
        let total = groups.reduce(0) { $0 + $1.2 }
        // A later run that quarantined nothing may have sent these values, or (incremental) not read them.
        let later = try await connection.query(
            "SELECT count(*) FROM runs WHERE pair_id = $1 AND id > $2 AND NOT dry_run",
            [pairID, run]
        )[0].decode(Int.self, at: 0)
        var lines = [
            "  quarantined in run \(run): \(total) values not sent (no confirmed id mapping)"
                + (later > 0 ? "; \(later) later runs quarantined none" : "")
        ]
        lines += groups.prefix(limit).map { "    \($0.1): \($0.2)" }
        if groups.count > limit { lines.append("    … and \(groups.count - limit) more reasons") }
        return lines
    }
}

extension MappingStore {
    /// The header a mapping CSV file starts with.
    public static let csvHeader = "kind,source_id,destination_id"

    /// Reads a mapping CSV file: the header line, then `kind,source_id,destination_id` per line; blank
    /// lines are skipped. Every mapping read is confirmed and `manual`. A malformed line is one error
    /// naming its line number; a source id given twice for a kind is one too.
    public static func parseCSV(_ text: String) throws(SyncError) -> [Mapping] {
        // "\r\n" is one Character in Swift: splitting on "\n" alone would not split it.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let header = lines.first, header.lowercased().replacingOccurrences(of: " ", with: "") == csvHeader else {
            throw SyncError(.invalidInput, "line 1: expected the header '\(csvHeader)'")
        }
        var mappings: [Mapping] = []
        var seen: [String: Int] = [:]
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let number = offset + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            guard fields.count == 3 else {
                throw SyncError(
                    .invalidInput,
                    "line \(number): expected 3 fields (\(csvHeader)), found \(fields.count)"
                )
            }
            guard let kind = ValueTranslator.Kind(rawValue: fields[0]) else {
                let kinds = ValueTranslator.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw SyncError(.invalidInput, "line \(number): unknown kind '\(fields[0])'; one of \(kinds)")
            }
            guard !fields[1].isEmpty, !fields[2].isEmpty else {
                throw SyncError(.invalidInput, "line \(number): source_id and destination_id must not be empty")
            }
            if let earlier = seen.updateValue(number, forKey: "\(kind.rawValue),\(fields[1])") {
                throw SyncError(
                    .invalidInput,
                    "line \(number): \(kind.rawValue) \(fields[1]) is already mapped on line \(earlier)"
                )
            }
            mappings.append(Mapping(kind: kind, sourceID: fields[1], destinationID: fields[2]))
        }
        return mappings
    }
}
