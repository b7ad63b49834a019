import DHIS2
import Postgres

/// A pair's org units and data sets, as last read from the source.
///
/// Refreshing is idempotent: a unit or data set seen again is updated in place (never duplicated),
/// one that vanished from the source is marked inactive (never deleted: runs and conflicts keep
/// pointing at it), and one that comes back is active again.
public struct PairCatalog: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// What a refresh changed.
    public struct Changes: Sendable, Hashable, CustomStringConvertible {
        public var active = 0
        public var added = 0
        public var deactivated = 0

        public var description: String { "\(active) active (\(added) new, \(deactivated) now inactive)" }
    }

    public struct StoredOrgUnit: Sendable, Hashable {
        public var uid: String
        public var name: String
        public var code: String?
        public var path: String
        public var active: Bool
    }

    public struct StoredDataSet: Sendable, Hashable {
        public var uid: String
        public var name: String
        public var code: String?
        public var periodType: String
        public var active: Bool
    }

    /// Replaces the pair's org units with `units`, in one transaction.
    public func replaceOrgUnits(pairID: Int, with units: [OrganisationUnit]) async throws -> Changes {
        let parameters: [(any PostgresEncodable)?] = [
            pairID,
            PostgresTextArray(units.map(\.id)),
            PostgresTextArray(units.map(\.name)),
            PostgresTextArray(units.map { $0.code ?? "" }),
            PostgresTextArray(units.map(\.path)),
            PostgresTextArray(units.map { String($0.level) }),
            PostgresTextArray(units.map { $0.parent?.id ?? "" }),
        ]
        return try await connection.transaction { db in
            let added = try db.query(
                """
                INSERT INTO pair_org_units AS o (pair_id, uid, name, code, path, level, parent_uid)
                SELECT $1, u.uid, u.name, nullif(u.code, ''), u.path, u.level::int, nullif(u.parent, '')
                FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                     AS u (uid, name, code, path, level, parent)
                ON CONFLICT (pair_id, uid) DO UPDATE
                SET name = excluded.name, code = excluded.code, path = excluded.path, level = excluded.level,
                    parent_uid = excluded.parent_uid, active = true, last_seen_at = now()
                RETURNING (xmax = 0)
                """,
                parameters
            ).map { try $0.decode(Bool.self, at: 0) }.filter { $0 }.count
            let deactivated = try db.execute(
                "UPDATE pair_org_units SET active = false WHERE pair_id = $1 AND active AND NOT (uid = ANY($2::text[]))",
                [pairID, PostgresTextArray(units.map(\.id))]
            )
            return Changes(active: units.count, added: added, deactivated: deactivated)
        }
    }

    /// Replaces the pair's data sets with `dataSets`, in one transaction.
    public func replaceDataSets(pairID: Int, with dataSets: [DataSet]) async throws -> Changes {
        let parameters: [(any PostgresEncodable)?] = [
            pairID,
            PostgresTextArray(dataSets.map(\.id)),
            PostgresTextArray(dataSets.map(\.name)),
            PostgresTextArray(dataSets.map { $0.code ?? "" }),
            PostgresTextArray(dataSets.map(\.periodType)),
        ]
        return try await connection.transaction { db in
            let added = try db.query(
                """
                INSERT INTO pair_data_sets AS d (pair_id, uid, name, code, period_type)
                SELECT $1, s.uid, s.name, nullif(s.code, ''), s.period_type
                FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS s (uid, name, code, period_type)
                ON CONFLICT (pair_id, uid) DO UPDATE
                SET name = excluded.name, code = excluded.code, period_type = excluded.period_type, active = true,
                    last_seen_at = now()
                RETURNING (xmax = 0)
                """,
                parameters
            ).map { try $0.decode(Bool.self, at: 0) }.filter { $0 }.count
            let deactivated = try db.execute(
                "UPDATE pair_data_sets SET active = false WHERE pair_id = $1 AND active AND NOT (uid = ANY($2::text[]))",
                [pairID, PostgresTextArray(dataSets.map(\.id))]
            )
            return Changes(active: dataSets.count, added: added, deactivated: deactivated)
        }
    }

    public func orgUnits(pairID: Int, includingInactive: Bool = false) async throws -> [StoredOrgUnit] {
        try await connection.query(
            """
            SELECT uid, name, code, path, active FROM pair_org_units
            WHERE pair_id = $1 AND (active OR $2) ORDER BY path
            """,
            [pairID, includingInactive]
        ).map { row in
            let (uid, name, code, path, active) = try row.decode((String, String, String?, String, Bool).self)
            return StoredOrgUnit(uid: uid, name: name, code: code, path: path, active: active)
        }
    }

    public func dataSets(pairID: Int, includingInactive: Bool = false) async throws -> [StoredDataSet] {
        try await connection.query(
            """
            SELECT uid, name, code, period_type, active FROM pair_data_sets
            WHERE pair_id = $1 AND (active OR $2) ORDER BY name, uid
            """,
            [pairID, includingInactive]
        ).map { row in
            let (uid, name, code, periodType, active) = try row.decode((String, String, String?, String, Bool).self)
            return StoredDataSet(uid: uid, name: name, code: code, periodType: periodType, active: active)
        }
    }
}
