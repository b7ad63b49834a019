import DHIS2
import Logging
import Postgres

/// The conflict ledger as operators work it: open conflicts grouped by error code, and the retry that
/// re-sends the slices holding them once the destination's metadata was fixed.
public struct ConflictLedger: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Which ledger rows a view or a retry covers.
    public struct Filter: Sendable, Hashable {
        public var pairID: Int?
        public var runID: Int?
        public var code: String?
        /// Resolved rows too, not only open ones.
        public var includeResolved = false

        public init(pairID: Int? = nil, runID: Int? = nil, code: String? = nil, includeResolved: Bool = false) {
            self.pairID = pairID
            self.runID = runID
            self.code = code
            self.includeResolved = includeResolved
        }
    }

    /// One error code's conflicts: how many, and the first few.
    public struct Group: Sendable, Hashable, Codable {
        public var code: String
        public var count: Int
        public var examples: [Example]
    }

    /// A ledger row as an example: the source value it points at (when known) and the destination's message.
    public struct Example: Sendable, Hashable, Codable {
        public var run: Int
        public var dataElement: String?
        public var period: String?
        public var orgUnit: String?
        public var categoryOptionCombo: String?
        public var attributeOptionCombo: String?
        public var value: String?
        public var message: String
    }

    /// Conflicts grouped by error code, largest group first, with the `examples` oldest rows of each.
    public func groups(_ filter: Filter, examples: Int) async throws -> [Group] {
        let rows = try await connection.query(
            """
            WITH chosen AS (
                SELECT c.*, coalesce(c.error_code, '-') AS code,
                       row_number() OVER (PARTITION BY coalesce(c.error_code, '-') ORDER BY c.id) AS position,
                       count(*) OVER (PARTITION BY coalesce(c.error_code, '-')) AS total
                FROM conflicts c
                WHERE ($1::bigint IS NULL OR c.pair_id = $1) AND ($2::bigint IS NULL OR c.run_id = $2)
                  AND ($3::text IS NULL OR c.error_code = upper($3)) AND ($4 OR c.resolved_at IS NULL)
            )
            SELECT code, total, run_id, data_element, period, org_unit, category_option_combo,
                   attribute_option_combo, value, message
            FROM chosen WHERE position <= $5 ORDER BY total DESC, code, position
            """,
            [filter.pairID, filter.runID, filter.code, filter.includeResolved, examples]
        )
        var groups: [Group] = []
        for row in rows {
            let (code, total, run) = try row.decode((String, Int, Int).self)
            let example = Example(
                run: run,
                dataElement: try row.decode(String?.self, at: 3),
                period: try row.decode(String?.self, at: 4),
                orgUnit: try row.decode(String?.self, at: 5),
                categoryOptionCombo: try row.decode(String?.self, at: 6),
                attributeOptionCombo: try row.decode(String?.self, at: 7),
                value: try row.decode(String?.self, at: 8),
                message: try row.decode(String.self, at: 9)
            )
            if groups.last?.code == code {
                groups[groups.count - 1].examples.append(example)
            } else {
                groups.append(Group(code: code, count: total, examples: [example]))
            }
        }
        return groups
    }

    /// What a retry did.
    public struct RetryOutcome: Sendable, Hashable {
        /// Nil when no open conflict pointed at a value, so nothing was sent.
        public var run: SyncRunner.Outcome?
        /// Open conflicts the retry covered.
        public var open = 0
        /// Accepted by the destination this time, now marked resolved (with `--code`, conflicts of other codes
        /// in the re-sent slices count too).
        public var resolved = 0
        /// Refused again (any code, as for `resolved`); the retry run's own conflicts replace them in the ledger.
        public var stillRefused = 0
        /// Open conflicts without a value (a refused batch header): a rerun of the slice's window, not a retry, resends them.
        public var withoutValue = 0
    }

    /// Re-sends the slices (data set, the value's period, org unit) holding the pair's open conflicts of
    /// `code` (every code when nil) as a run of kind `retry`, then settles the ledger: a conflict whose
    /// slice went through and whose value the destination did not refuse again is resolved; one refused
    /// again is superseded by the retry's own row, so each value has one open conflict at most.
    public func retry(
        _ pair: Pair,
        code: String?,
        runner: SyncRunner,
        source: DHIS2Client,
        destination: DHIS2Client
    ) async throws -> RetryOutcome {
        let filter = "c.pair_id = $1 AND c.resolved_at IS NULL AND ($2::text IS NULL OR c.error_code = upper($2))"
        let counts = try await connection.query(
            "SELECT count(*) FILTER (WHERE c.data_element IS NOT NULL AND c.period IS NOT NULL AND s.id IS NOT NULL), "
                + "count(*) FILTER (WHERE c.data_element IS NULL OR c.period IS NULL OR s.id IS NULL) "
                + "FROM conflicts c LEFT JOIN slices s ON s.id = c.slice_id WHERE \(filter)",
            [pair.id, code]
        )[0].decode((Int, Int).self)
        var outcome = RetryOutcome(open: counts.0, withoutValue: counts.1)
        guard counts.0 > 0 else { return outcome }
        let slices = try await connection.query(
            """
            SELECT DISTINCT s.data_set_uid, c.period, s.org_unit_uid
            FROM conflicts c JOIN slices s ON s.id = c.slice_id
            WHERE \(filter) AND c.data_element IS NOT NULL AND c.period IS NOT NULL
            ORDER BY 1, 2, 3
            """,
            [pair.id, code]
        ).map { row in
            let (dataSet, period, orgUnit) = try row.decode((String, String, String).self)
            return SliceKey(dataSet: dataSet, period: period, orgUnit: orgUnit)
        }
        var request = SyncRunner.Request(selection: .currentDate)
        request.resend = .init(kind: .retry, slices: slices)
        let run = try await runner.run(pair, request, source: source, destination: destination)
        outcome.run = run
        guard let runID = run.runID else { return outcome }
        let settled = try await settle(pairID: pair.id, runID: runID)
        outcome.resolved = settled.resolved
        outcome.stillRefused = settled.superseded
        return outcome
    }

    /// Resolves or supersedes the older open conflicts whose values a run re-sent in a slice it finished,
    /// whatever their code: a `--code` retry re-sends whole slices, so other codes' values went out too, and
    /// a backlog run of the same window again sends every value. Incremental slices (no periods) send only
    /// what changed, so they settle nothing. The runner calls it after every run.
    func settle(pairID: Int, runID: Int) async throws -> (resolved: Int, superseded: Int) {
        // Most runs (every incremental one, any on a clean ledger) have nothing to settle: they skip the
        // statistics refresh and the joins below.
        let pending = try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM conflicts WHERE pair_id = $1 AND run_id <> $2 AND resolved_at IS NULL)
               AND EXISTS (SELECT 1 FROM slices WHERE run_id = $2 AND state = 'done' AND period_id <> '')
            """,
            [pairID, runID]
        )[0].decode(Bool.self, at: 0)
        guard pending else { return (0, 0) }
        // The run has just written its slices and conflicts; planned on stale statistics, the joins below
        // became nested loops (72 s for 32 000 conflicts, measured) instead of hash joins (about 1 s).
        try await connection.execute("ANALYZE conflicts, slices")
        return try await connection.transaction { db in
            // An older open conflict is covered when the retry finished the slice holding its value, and
            // refused again when the retry's own conflicts name the same value key. Joins, not a correlated
            // subquery: the latter ran once per conflict and took minutes for a few thousand.
            let covered = """
                WITH refused AS (
                    SELECT DISTINCT data_element, period, org_unit, coalesce(category_option_combo, '') AS coc,
                           coalesce(attribute_option_combo, '') AS aoc
                    FROM conflicts WHERE run_id = $2 AND data_element IS NOT NULL
                ), done AS (
                    SELECT data_set_uid, org_unit_uid, string_to_array(period_id, ',') AS periods
                    FROM slices WHERE run_id = $2 AND state = 'done' AND period_id <> ''
                )
                SELECT c.id, k.data_element IS NOT NULL AS refused
                FROM conflicts c
                JOIN slices o ON o.id = c.slice_id
                JOIN done r ON r.data_set_uid = o.data_set_uid AND r.org_unit_uid = o.org_unit_uid
                           AND c.period = ANY (r.periods)
                LEFT JOIN refused k ON k.data_element = c.data_element AND k.period = c.period
                                   AND k.org_unit = c.org_unit AND k.coc = coalesce(c.category_option_combo, '')
                                   AND k.aoc = coalesce(c.attribute_option_combo, '')
                WHERE c.pair_id = $1 AND c.run_id <> $2 AND c.resolved_at IS NULL
                """
            let resolved = try db.execute(
                """
                WITH covered AS (\(covered))
                UPDATE conflicts SET resolved_at = now() FROM covered
                WHERE conflicts.id = covered.id AND NOT covered.refused
                """,
                [pairID, runID]
            )
            let superseded = try db.execute(
                """
                WITH covered AS (\(covered))
                DELETE FROM conflicts USING covered WHERE conflicts.id = covered.id AND covered.refused
                """,
                [pairID, runID]
            )
            return (resolved, superseded)
        }
    }
}
