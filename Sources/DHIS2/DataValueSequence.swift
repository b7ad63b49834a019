import Curl
import JSONStream

extension DHIS2Client {
    /// `GET /api/dataValueSets` as an async sequence of values, one at a time.
    ///
    /// Nothing is requested until the first `next()`. Bytes are pulled from the network only as values are
    /// asked for, so a slow consumer pauses the transfer (the HTTP layer's backpressure) and memory holds one
    /// network chunk of values. The request head is retried under ``retryPolicy``; once the body is being
    /// read, a failure ends the sequence with an error. A body that stops inside its JSON throws
    /// ``DHIS2Error/Code/truncated`` from `next()`, never a short, clean end.
    public func dataValues(_ query: DataValueQuery) -> DataValueSequence {
        DataValueSequence(client: self, query: query)
    }
}

/// The values of one export; see ``DHIS2Client/dataValues(_:)``.
public struct DataValueSequence: AsyncSequence, Sendable {
    public typealias Element = DataValue

    let client: DHIS2Client
    let query: DataValueQuery

    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, query: query)
    }

    public struct Iterator: AsyncIteratorProtocol {
        private let client: DHIS2Client
        private let query: DataValueQuery
        private let endpoint = "GET /api/dataValueSets"
        private var body: HTTPResponseBody.AsyncIterator?
        private var status = 0
        private var decoder = DataValueSetDecoder()
        private var pending: [DataValue] = []
        private var position = 0
        private var byteCount = 0
        private var finished = false

        init(client: DHIS2Client, query: DataValueQuery) {
            self.client = client
            self.query = query
        }

        /// The header fields seen so far (complete once the sequence has ended).
        public var header: DataValueSetHeader { decoder.header }

        public mutating func next() async throws -> DataValue? {
            while position == pending.count {
                if finished { return nil }
                pending.removeAll(keepingCapacity: true)
                position = 0
                try await fill()
            }
            defer { position += 1 }
            return pending[position]
        }

        /// Reads chunks until some values are decoded or the body ends.
        private mutating func fill() async throws {
            if body == nil {
                if let problem = query.validate() {
                    throw DHIS2Error(code: .badRequest, detail: problem, endpoint: endpoint)
                }
                let (client, query, endpoint) = (self.client, self.query, self.endpoint)
                let response = try await client.retrying(endpoint, repeatable: true) {
                    try await client.startExport(query, endpoint: endpoint)
                }
                status = response.status
                body = response.body.makeAsyncIterator()
            }
            do {
                while pending.isEmpty {
                    guard let chunk = try await body?.next() else {
                        _ = try DHIS2Client.finishExport(
                            &decoder,
                            byteCount: byteCount,
                            status: status,
                            endpoint: endpoint
                        )
                        finished = true
                        return
                    }
                    byteCount += chunk.count
                    try decoder.feed(chunk) { pending.append($0) }
                }
            } catch let error as DHIS2Error {
                finished = true
                throw error
            } catch {
                finished = true
                throw DHIS2Client.exportFailure(error, byteCount: byteCount, status: status, endpoint: endpoint)
            }
        }
    }
}
