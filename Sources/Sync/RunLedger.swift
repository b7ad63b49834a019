import DHIS2
import DHIS2Periods
import Foundation
import JSONStream
import Postgres

/// Runs, slices and the conflict ledger in PostgreSQL: the checkpoint a rerun resumes from.
///
/// A slice goes planned → running → done | failed. Its counts and conflicts are written after every
/// acknowledged batch, so a crash loses at most the batch in flight, and a retried slice first
/// clears what its earlier attempt recorded (re-sending is harmless; re-counting would not be).
public struct RunLedger: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    public enum Kind: String, Sendable {
        case backlog, incremental, verify, retry
    }

    /// A run that was begun or resumed.
    public struct Start: Sendable, Hashable {
        public var runID: Int
        /// True when an unfinished run with the same window and selection was picked up again.
        public var resumed: Bool
    }

    /// A slice still to do.
    public struct PendingSlice: Sendable, Hashable {
        public var id: Int
        public var key: SliceKey
        public var attempts: Int
    }

    /// One conflict as the ledger keeps it, with the source value it points at when known.
    public struct Conflict: Sendable, Hashable {
        public var row: ConflictRow
        public var valueIndex: Int?
        public var value: DataValue?

        public init(row: ConflictRow, valueIndex: Int?, value: DataValue?) {
            self.row = row
            self.valueIndex = valueIndex
            self.value = value
        }
    }

    /// Begins a run of a pair, or resumes the newest unfinished one with the same kind, window and
    /// selection. `sourceServerDate` is the source's clock as it reports it (no zone): it is stored as
    /// if it were UTC and read back the same way, so the watermark round-trips exactly; a resumed run
    /// keeps its first one, since its done slices saw nothing later. Call it holding the pair's advisory lock: any other run still marked running is
    /// then a leftover of a process that died, and is marked abandoned.
    public func begin(
        pairID: Int,
        kind: Kind,
        window: PeriodWindow?,
        selection: String,
        sourceServerDate: String?
    ) async throws -> Start {
        let start = window?.range.lowerBound.iso
        let end = window?.range.upperBound.iso
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        let host = ProcessInfo.processInfo.hostName
        return try await connection.transaction { db in
            let resumable = try db.query(
                """
                SELECT id FROM runs
                WHERE pair_id = $1 AND kind = $2 AND NOT dry_run AND state <> 'done'
                  AND window_start IS NOT DISTINCT FROM $3::date AND window_end IS NOT DISTINCT FROM $4::date
                  AND selection = $5
                ORDER BY id DESC LIMIT 1
                """,
                [pairID, kind.rawValue, start, end, selection]
            ).first.map { try $0.decode(Int.self, at: 0) }
            try db.execute(
                """
                UPDATE slices SET state = 'planned' WHERE state = 'running'
                  AND run_id IN (SELECT id FROM runs WHERE pair_id = $1 AND state = 'running')
                """,
                [pairID]
            )
            try db.execute(
                """
                UPDATE runs SET state = 'abandoned', finished_at = now(),
                       error = coalesce(error, 'the process running it stopped before it finished')
                WHERE pair_id = $1 AND state = 'running'
                """,
                [pairID]
            )
            if let resumable {
                try db.execute(
                    """
                    UPDATE runs SET state = 'running', finished_at = NULL, error = NULL, host = $2, pid = $3,
                           source_server_date = coalesce(source_server_date, $4::timestamp AT TIME ZONE 'UTC')
                    WHERE id = $1
                    """,
                    [resumable, host, pid, sourceServerDate]
                )
                return Start(runID: resumable, resumed: true)
            }
            let id = try db.query(
                """
                INSERT INTO runs (pair_id, kind, window_start, window_end, selection, source_server_date, host, pid)
                VALUES ($1, $2, $3::date, $4::date, $5, $6::timestamp AT TIME ZONE 'UTC', $7, $8) RETURNING id
                """,
                [pairID, kind.rawValue, start, end, selection, sourceServerDate, host, pid]
            )[0].decode(Int.self, at: 0)
            return Start(runID: id, resumed: false)
        }
    }

    /// Whether the pair has ever begun a (non-dry) run.
    public func hasRuns(pairID: Int) async throws -> Bool {
        try await connection.query("SELECT EXISTS (SELECT 1 FROM runs WHERE pair_id = $1)", [pairID])[0]
            .decode(Bool.self, at: 0)
    }

    /// Adds the planned slices a run does not have yet; returns how many were new.
    @discardableResult
    public func addSlices(runID: Int, pairID: Int, _ slices: [SliceKey]) async throws -> Int {
        try await connection.execute(
            """
            INSERT INTO slices (run_id, pair_id, data_set_uid, period_id, org_unit_uid)
            SELECT $1, $2, s.data_set, nullif(s.period, ''), s.org_unit
            FROM unnest($3::text[], $4::text[], $5::text[]) AS s (data_set, period, org_unit)
            ON CONFLICT DO NOTHING
            """,
            [
                runID, pairID, PostgresTextArray(slices.map(\.dataSet)), PostgresTextArray(slices.map(\.period)),
                PostgresTextArray(slices.map(\.orgUnit)),
            ]
        )
    }

    /// The run's slices not done yet, in plan order.
    public func pendingSlices(runID: Int) async throws -> [PendingSlice] {
        try await connection.query(
            """
            SELECT id, data_set_uid, coalesce(period_id, ''), org_unit_uid, attempts FROM slices
            WHERE run_id = $1 AND state <> 'done' ORDER BY data_set_uid, period_id, org_unit_uid
            """,
            [runID]
        ).map { row in
            let (id, dataSet, period, orgUnit, attempts) = try row.decode((Int, String, String, String, Int).self)
            return PendingSlice(
                id: id,
                key: SliceKey(dataSet: dataSet, period: period, orgUnit: orgUnit),
                attempts: attempts
            )
        }
    }

    /// Counts of slices by state for a run.
    public func sliceStates(runID: Int) async throws -> [String: Int] {
        var states: [String: Int] = [:]
        for row in try await connection.query(
            "SELECT state, count(*) FROM slices WHERE run_id = $1 GROUP BY state",
            [runID]
        ) {
            states[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        return states
    }

    /// Marks a slice running for a new attempt, clearing the counts and conflicts of the last one.
    public func startAttempt(sliceID: Int) async throws {
        _ = try await connection.transaction { db in
            try db.execute("DELETE FROM conflicts WHERE slice_id = $1", [sliceID])
            try db.execute(
                """
                UPDATE slices SET state = 'running', attempts = attempts + 1, started_at = now(), finished_at = NULL,
                       batches_done = 0, values_read = 0, imported = 0, updated = 0, ignored = 0, deleted = 0,
                       conflicts = 0
                WHERE id = $1
                """,
                [sliceID]
            )
        }
    }

    /// Records one acknowledged batch: its counts and its conflicts, atomically.
    public func recordBatch(
        sliceID: Int,
        runID: Int,
        pairID: Int,
        counts: SliceCounts,
        conflicts: [Conflict]
    ) async throws {
        let parameters: [(any PostgresEncodable)?] = [
            pairID, runID, sliceID,
            PostgresTextArray(conflicts.map(\.row.errorCode)),
            PostgresTextArray(conflicts.map(\.row.resource)),
            PostgresTextArray(conflicts.map(\.row.uid)),
            PostgresTextArray(conflicts.map(\.row.property)),
            PostgresTextArray(conflicts.map(\.row.message)),
            PostgresTextArray(conflicts.map { $0.valueIndex.map(String.init) }),
            PostgresTextArray(conflicts.map { $0.value?.dataElement }),
            PostgresTextArray(conflicts.map { $0.value?.period }),
            PostgresTextArray(conflicts.map { $0.value?.orgUnit }),
            PostgresTextArray(conflicts.map { $0.value?.categoryOptionCombo }),
            PostgresTextArray(conflicts.map { $0.value?.attributeOptionCombo }),
            PostgresTextArray(conflicts.map { $0.value?.value }),
        ]
        let countParameters: [(any PostgresEncodable)?] = [
            sliceID, counts.valuesRead, counts.imported, counts.updated, counts.ignored, counts.deleted,
            counts.conflicts,
        ]
        _ = try await connection.transaction { db in
            if !conflicts.isEmpty {
                try db.execute(
                    """
                    INSERT INTO conflicts (pair_id, run_id, slice_id, error_code, resource, object_uid, property, message,
                                           value_index, data_element, period, org_unit, category_option_combo,
                                           attribute_option_combo, value)
                    SELECT $1, $2, $3, c.code, c.resource, c.uid, c.property, c.message, c.idx::int, c.de, c.pe, c.ou,
                           c.coc, c.aoc, c.value
                    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                                $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                         AS c (code, resource, uid, property, message, idx, de, pe, ou, coc, aoc, value)
                    """,
                    parameters
                )
            }
            try db.execute(
                """
                UPDATE slices SET batches_done = batches_done + 1, values_read = values_read + $2,
                       imported = imported + $3, updated = updated + $4, ignored = ignored + $5,
                       deleted = deleted + $6, conflicts = conflicts + $7
                WHERE id = $1
                """,
                countParameters
            )
        }
    }

    /// Marks a slice done: every batch of it was acknowledged.
    public func complete(sliceID: Int, valuesRead: Int) async throws {
        try await connection.execute(
            """
            UPDATE slices SET state = 'done', finished_at = now(), last_error = NULL, values_read = $2
            WHERE id = $1
            """,
            [sliceID, valuesRead]
        )
    }

    /// Marks a slice failed with the reason; a later attempt or rerun picks it up again.
    public func fail(sliceID: Int, error: String) async throws {
        try await connection.execute(
            "UPDATE slices SET state = 'failed', finished_at = now(), last_error = $2 WHERE id = $1",
            [sliceID, error]
        )
    }

    /// Puts a slice that was interrupted back to planned, for the rerun.
    public func release(sliceID: Int) async throws {
        try await connection.execute(
            "UPDATE slices SET state = 'planned', finished_at = NULL WHERE id = $1 AND state = 'running'",
            [sliceID]
        )
    }

    /// Keeps the outcome of the after-run analytics refresh with the run.
    public func recordAnalytics(runID: Int, outcome: String) async throws {
        try await connection.execute("UPDATE runs SET analytics_outcome = $2 WHERE id = $1", [runID, outcome])
    }

    /// Closes a run: totals summed from its slices; done only when every slice is done.
    @discardableResult
    public func finish(runID: Int, abandoned: Bool = false, error: String? = nil) async throws -> RunTotals {
        try await connection.transaction { db in
            try db.execute(
                "UPDATE slices SET state = 'planned', finished_at = NULL WHERE run_id = $1 AND state = 'running'",
                [runID]
            )
            let row = try db.query(
                """
                WITH totals AS (
                    SELECT count(*) AS slices, count(*) FILTER (WHERE state = 'done') AS done,
                           count(*) FILTER (WHERE state = 'failed') AS failed,
                           coalesce(sum(values_read), 0) AS values_read, coalesce(sum(imported), 0) AS imported,
                           coalesce(sum(updated), 0) AS updated, coalesce(sum(ignored), 0) AS ignored,
                           coalesce(sum(deleted), 0) AS deleted, coalesce(sum(conflicts), 0) AS conflicts
                    FROM slices WHERE run_id = $1
                )
                UPDATE runs SET values_read = t.values_read, imported = t.imported, updated = t.updated,
                       ignored = t.ignored, deleted = t.deleted, conflicts = t.conflicts, finished_at = now(),
                       state = CASE WHEN $2 THEN 'abandoned' WHEN t.done = t.slices THEN 'done' ELSE 'failed' END,
                       error = $3
                FROM totals t WHERE runs.id = $1
                RETURNING runs.state, t.slices, t.done, t.failed, t.values_read, t.imported, t.updated, t.ignored,
                          t.deleted, t.conflicts
                """,
                [runID, abandoned, error]
            )[0]
            let state = try row.decode(String.self, at: 0)
            let (slices, done, failed) = try (
                row.decode(Int.self, at: 1), row.decode(Int.self, at: 2), row.decode(Int.self, at: 3)
            )
            let counts = SliceCounts(
                valuesRead: try row.decode(Int.self, at: 4),
                imported: try row.decode(Int.self, at: 5),
                updated: try row.decode(Int.self, at: 6),
                ignored: try row.decode(Int.self, at: 7),
                deleted: try row.decode(Int.self, at: 8),
                conflicts: try row.decode(Int.self, at: 9)
            )
            return RunTotals(
                runID: runID,
                state: state,
                slices: slices,
                slicesDone: done,
                slicesFailed: failed,
                counts: counts
            )
        }
    }
}

/// What a slice, a batch or a run moved.
public struct SliceCounts: Sendable, Hashable {
    public var valuesRead = 0
    public var imported = 0
    public var updated = 0
    public var ignored = 0
    public var deleted = 0
    public var conflicts = 0

    public init(
        valuesRead: Int = 0,
        imported: Int = 0,
        updated: Int = 0,
        ignored: Int = 0,
        deleted: Int = 0,
        conflicts: Int = 0
    ) {
        self.valuesRead = valuesRead
        self.imported = imported
        self.updated = updated
        self.ignored = ignored
        self.deleted = deleted
        self.conflicts = conflicts
    }

    public static func += (lhs: inout SliceCounts, rhs: SliceCounts) {
        lhs.valuesRead += rhs.valuesRead
        lhs.imported += rhs.imported
        lhs.updated += rhs.updated
        lhs.ignored += rhs.ignored
        lhs.deleted += rhs.deleted
        lhs.conflicts += rhs.conflicts
    }
}

/// A finished run's outcome.
public struct RunTotals: Sendable, Hashable {
    public var runID: Int
    /// `done`, `failed` or `abandoned`.
    public var state: String
    public var slices: Int
    public var slicesDone: Int
    public var slicesFailed: Int
    public var counts: SliceCounts
}
