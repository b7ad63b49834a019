import Synchronization

/// One served request, for tests that assert what a client did.
public struct RequestLogEntry: Sendable, Hashable {
    public var method: String
    /// The path as requested (before version-prefix normalisation).
    public var path: String
    public var query: String
    public var status: Int
    /// Request body bytes read.
    public var bytesIn: Int
    /// Response body bytes written (for streamed exports: as far as the stream got).
    public var bytesOut: Int
}

/// Thread-safe, append-only request log.
final class RequestLog: Sendable {
    private let entries = Mutex<[RequestLogEntry]>([])

    func append(_ entry: RequestLogEntry) {
        entries.withLock { $0.append(entry) }
    }

    var all: [RequestLogEntry] { entries.withLock { $0 } }

    func clear() {
        entries.withLock { $0.removeAll() }
    }
}
