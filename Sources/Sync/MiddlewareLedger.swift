import Postgres

/// The `middleware_batches` table: every batch a middleware-mode pair posted, and the answer.
public struct MiddlewareLedger: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// One recorded batch.
    public struct Row: Sendable, Hashable {
        public var sliceID: Int?
        public var batchNumber: Int
        public var importStrategy: String
        public var valueCount: Int
        public var httpStatus: Int?
        public var accepted: Bool
        public var answer: String
    }

    func record(_ answer: MiddlewareClient.Answer, pairID: Int, runID: Int, sliceID: Int) async throws {
        try await connection.execute(
            """
            INSERT INTO middleware_batches (pair_id, run_id, slice_id, batch_number, import_strategy, value_count,
                                            http_status, accepted, answer)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                pairID, runID, sliceID, answer.batchNumber, answer.importStrategy, answer.valueCount, answer.status,
                answer.accepted, answer.text,
            ]
        )
    }

    /// A run's batches in the order they were posted.
    public func batches(runID: Int) async throws -> [Row] {
        try await connection.query(
            """
            SELECT slice_id, batch_number, import_strategy, value_count, http_status, accepted, answer
            FROM middleware_batches WHERE run_id = $1 ORDER BY id
            """,
            [runID]
        ).map { row in
            let (slice, number, strategy, count, status, accepted, answer) = try row.decode(
                (Int?, Int, String, Int, Int?, Bool, String).self
            )
            return Row(
                sliceID: slice,
                batchNumber: number,
                importStrategy: strategy,
                valueCount: count,
                httpStatus: status,
                accepted: accepted,
                answer: answer
            )
        }
    }

    /// One line on what a run's middleware did with its batches; nil for a direct pair or a run that
    /// posted none.
    public func summary(runID: Int, pair: Pair) async throws -> String? {
        guard let url = pair.viaURL else { return nil }
        let rows = try await batches(runID: runID)
        guard !rows.isEmpty else { return nil }
        let accepted = rows.filter(\.accepted)
        var line =
            "middleware \(url) accepted \(accepted.count) batch(es), "
            + "\(accepted.reduce(0) { $0 + $1.valueCount }) values queued"
        let refused = rows.filter { !$0.accepted }
        if let last = refused.last {
            let answer = MiddlewareClient.Answer(
                batchNumber: last.batchNumber,
                importStrategy: last.importStrategy,
                valueCount: last.valueCount,
                status: last.httpStatus,
                text: last.answer
            )
            line += "; refused \(refused.count), last: \(answer.summary)"
        }
        return line
    }
}
