import DHIS2
import Postgres

/// The read side of the ledger for `status` and `conflicts`.
public struct StatusReport: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// A few lines on one pair: catalog, last run, pending slices, open conflicts, watermarks.
    public func lines(for pair: Pair) async throws -> [String] {
        let catalog = try await connection.query(
            """
            SELECT (SELECT count(*) FROM pair_org_units WHERE pair_id = $1 AND active),
                   (SELECT count(*) FROM pair_data_sets WHERE pair_id = $1 AND active)
            """,
            [pair.id]
        )[0].decode((Int, Int).self)
        var lines = [
            "pair \(pair.name) (\(pair.enabled ? "enabled" : "disabled")) \(pair.source.name) → "
                + "\(pair.destination.name): \(catalog.0) org units, \(catalog.1) data sets"
        ]
        let runs = try await connection.query(
            """
            SELECT id, kind, state, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'),
                   coalesce(to_char(finished_at, 'YYYY-MM-DD HH24:MI:SS'), '…'), values_read, imported, updated,
                   ignored, deleted, conflicts, coalesce(error, ''), coalesce(analytics_outcome, '')
            FROM runs WHERE pair_id = $1 AND NOT dry_run ORDER BY id DESC LIMIT 1
            """,
            [pair.id]
        )
        if let run = runs.first {
            let (id, kind, state, started, finished) = try run.decode((Int, String, String, String, String).self)
            let read = try run.decode(Int.self, at: 5)
            let imported = try run.decode(Int.self, at: 6)
            let updated = try run.decode(Int.self, at: 7)
            let ignored = try run.decode(Int.self, at: 8)
            let deleted = try run.decode(Int.self, at: 9)
            let conflicts = try run.decode(Int.self, at: 10)
            let error = try run.decode(String.self, at: 11)
            lines.append(
                "  last run \(id) (\(kind)) \(state), \(started) → \(finished): read \(read), imported \(imported), "
                    + "updated \(updated), ignored \(ignored), deleted \(deleted), conflicts \(conflicts)"
                    + (error.isEmpty ? "" : "; \(error)")
            )
            let analytics = try run.decode(String.self, at: 12)
            if !analytics.isEmpty { lines.append("  analytics after the run: \(analytics)") }
        } else {
            lines.append("  no runs yet")
        }
        let pending = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE s.state <> 'failed'), count(*) FILTER (WHERE s.state = 'failed'),
                   coalesce(string_agg(DISTINCT s.run_id::text, ','), '')
            FROM slices s JOIN runs r ON r.id = s.run_id
            WHERE s.pair_id = $1 AND s.state <> 'done' AND r.state <> 'done'
            """,
            [pair.id]
        )[0].decode((Int, Int, String).self)
        if pending.0 + pending.1 > 0 {
            lines.append(
                "  slices not done: \(pending.0) pending, \(pending.1) failed (runs \(pending.2)); "
                    + "rerun with the same flags to resume"
            )
        }
        let codes = try await connection.query(
            """
            SELECT coalesce(error_code, '-'), count(*) FROM conflicts
            WHERE pair_id = $1 AND resolved_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1
            """,
            [pair.id]
        ).map { row in "\(try row.decode(String.self, at: 0)): \(try row.decode(Int.self, at: 1))" }
        lines.append(codes.isEmpty ? "  no open conflicts" : "  open conflicts: \(codes.joined(separator: ", "))")
        let watermarks = try await connection.query(
            """
            SELECT data_set_uid, to_char(last_updated, 'YYYY-MM-DD"T"HH24:MI:SS') FROM watermarks
            WHERE pair_id = $1 ORDER BY data_set_uid
            """,
            [pair.id]
        ).map { row in "\(try row.decode(String.self, at: 0)) \(try row.decode(String.self, at: 1))" }
        if !watermarks.isEmpty { lines.append("  watermarks: \(watermarks.joined(separator: ", "))") }
        lines += try await MappingStore(connection: connection).quarantineLines(pairID: pair.id)
        return lines
    }

    /// Ledger rows, newest first, one line each.
    public func conflicts(pairID: Int?, runID: Int?, limit: Int) async throws -> [String] {
        try await connection.query(
            """
            SELECT c.run_id, coalesce(s.data_set_uid || '/' || s.period_id || '/' || s.org_unit_uid, '-'),
                   coalesce(c.error_code, '-'), c.message, c.data_element, c.period, c.org_unit,
                   c.category_option_combo, c.attribute_option_combo, c.value
            FROM conflicts c LEFT JOIN slices s ON s.id = c.slice_id
            WHERE ($1::bigint IS NULL OR c.pair_id = $1) AND ($2::bigint IS NULL OR c.run_id = $2)
            ORDER BY c.id DESC LIMIT $3
            """,
            [pairID, runID, limit]
        ).map { row in
            let (run, slice, code, message) = try row.decode((Int, String, String, String).self)
            var line = "run \(run) \(slice) \(code) \(message)"
            if let dataElement = try row.decode(String?.self, at: 4) {
                let period = try row.decode(String?.self, at: 5) ?? ""
                let orgUnit = try row.decode(String?.self, at: 6) ?? ""
                let coc = try row.decode(String?.self, at: 7) ?? ""
                let aoc = try row.decode(String?.self, at: 8) ?? ""
                let value = try row.decode(String?.self, at: 9) ?? "null"
                line += " [de=\(dataElement) pe=\(period) ou=\(orgUnit) coc=\(coc) aoc=\(aoc) value=\(value)]"
            }
            return line
        }
    }
}
