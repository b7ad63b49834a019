/// Rows of a statement run in single-row mode, fetched from the connection thread a batch at a time.
///
/// Memory stays bounded by one batch whatever the result size. If the statement fails after some
/// rows were delivered, the iteration throws: the rows already seen are a partial result.
public struct PostgresRowSequence: AsyncSequence, Sendable {
    public typealias Element = PostgresRow

    let connection: PostgresConnection
    let sql: String
    let parameters: [(any PostgresEncodable)?]
    let batchSize: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: PostgresRowSequence
        private var stream: UInt64?
        private var finished = false
        private var batch: [PostgresRow] = []
        private var position = 0

        init(sequence: PostgresRowSequence) { self.sequence = sequence }

        public mutating func next() async throws(PostgresError) -> PostgresRow? {
            if position < batch.count {
                defer { position += 1 }
                return batch[position]
            }
            guard !finished else { return nil }
            let connection = sequence.connection
            let id: UInt64
            if let stream {
                id = stream
            } else {
                id = try await connection.beginStream(sequence.sql, sequence.parameters)
                stream = id
            }
            guard let rows = try await connection.nextRows(stream: id, limit: sequence.batchSize, sql: sequence.sql)
            else {
                finished = true
                batch = []
                return nil
            }
            // A short batch means libpq reported the end: the stream is already closed on the connection.
            finished = rows.count < sequence.batchSize
            batch = rows
            position = 1
            return rows[0]
        }
    }
}
