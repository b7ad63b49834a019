/// An error from ``HTTPClient``.
///
/// Switch on ``code``: it is stable and low-cardinality (fit for metric labels). ``description`` is safe to
/// log: it names the method and the URL without userinfo and without query, never header values.
/// libcurl's own error text is kept apart in ``curlMessage`` and ``debugDescription``.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case connect
            case resolve
            case timeout
            case tls
            case cancelled
            case protocolError = "protocol"
            case tooManyRedirects
            case truncated
            case network
            case bodyTooLarge
            case invalidRequest
            case uploadFailed
            case shutdown
            case other
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The TCP connection could not be established (refused, unreachable, connect timeout excluded).
        public static let connect = Code(.connect)
        /// The host name (or proxy name) could not be resolved.
        public static let resolve = Code(.resolve)
        /// A connect, low-speed or total timeout fired.
        public static let timeout = Code(.timeout)
        /// TLS handshake or certificate verification failed.
        public static let tls = Code(.tls)
        /// The transfer was cancelled: task cancellation, a dropped body sequence, or a client shutdown.
        public static let cancelled = Code(.cancelled)
        /// The peer did not speak valid HTTP (garbled reply, empty reply, bad content encoding).
        public static let `protocol` = Code(.protocolError)
        /// More redirects than ``HTTPClient/Configuration/maximumRedirects``.
        public static let tooManyRedirects = Code(.tooManyRedirects)
        /// The connection closed before the announced body was complete.
        public static let truncated = Code(.truncated)
        /// Sending or receiving failed on an established connection (e.g. reset by peer).
        public static let network = Code(.network)
        /// A collected response body exceeded its size limit.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The request could not be sent as given (malformed URL, header with a line break, body length mismatch).
        public static let invalidRequest = Code(.invalidRequest)
        /// The request body producer threw; the error is in ``HTTPClientError/underlying``.
        public static let uploadFailed = Code(.uploadFailed)
        /// The client was shut down before the request could start.
        public static let shutdown = Code(.shutdown)
        /// Anything else; see ``HTTPClientError/curlCode``.
        public static let other = Code(.other)

        public var description: String { self.base.rawValue }
    }

    /// The stable error code.
    public var code: Code
    /// The request method.
    public var method: String
    /// The request URL without userinfo and without query string.
    public var url: String
    /// A short explanation written by this library (never contains secrets); `nil` when the code says it all.
    public var detail: String?
    /// libcurl's `CURLcode`, when the error came from libcurl.
    public var curlCode: Int?
    /// libcurl's error text, with any userinfo of the request URL blanked out. For debugging, not for metrics.
    public var curlMessage: String?
    /// The error that caused this one (e.g. what the request-body producer threw).
    public var underlying: (any Error)?

    public init(
        code: Code,
        method: String,
        url: String,
        detail: String? = nil,
        curlCode: Int? = nil,
        curlMessage: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.method = method
        self.url = url
        self.detail = detail
        self.curlCode = curlCode
        self.curlMessage = curlMessage
        self.underlying = underlying
    }

    public var description: String {
        var text = "HTTP \(self.method) \(self.url) failed: \(self.code)"
        if let detail {
            text += " (\(detail))"
        }
        return text
    }

    public var debugDescription: String {
        var text = self.description
        if let curlCode {
            text += " [curl \(curlCode)"
            if let curlMessage, !curlMessage.isEmpty {
                text += ": \(curlMessage)"
            }
            text += "]"
        }
        if let underlying {
            text += " underlying: \(String(reflecting: underlying))"
        }
        return text
    }
}
