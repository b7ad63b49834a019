/// An error from the PostgreSQL layer.
///
/// `description` is safe to log: it carries the SQLSTATE and the server's message, never the
/// connection's password or the query's parameters. The failing SQL text is in `query` for
/// debugging (it never holds parameter values: values travel separately).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// A stable, low-cardinality classification, usable as a metric label.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidConfiguration = "invalid_configuration"
            case connectionFailed = "connection_failed"
            case connectionLost = "connection_lost"
            case server = "server"
            case `protocol` = "protocol"
            case decoding = "decoding"
            case closed = "closed"
            case busy = "busy"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL or conninfo string could not be parsed.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Connecting or reconnecting failed (server down, bad password, unknown database …).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke during the operation; whether it took effect is unknown.
        /// The next call reconnects.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected the statement; `sqlState` says why.
        public static let server = Code(.server)
        /// libpq reported something this layer did not expect.
        public static let `protocol` = Code(.protocol)
        /// A column could not be decoded into the requested Swift type.
        public static let decoding = Code(.decoding)
        /// The connection was closed by the application.
        public static let closed = Code(.closed)
        /// The connection is in the middle of a COPY or a stream and cannot take another command.
        public static let busy = Code(.busy)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The five-character SQLSTATE, when the server sent one (e.g. `23505` unique violation).
    public var sqlState: String?
    /// The server's primary message, or libpq's, with any password scrubbed.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The SQL text that failed, without parameter values.
    public var query: String?

    public init(
        code: Code,
        message: String,
        sqlState: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        query: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.query = query
    }

    public var description: String {
        var text = "PostgreSQL \(code)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }

    /// True for SQLSTATE classes that say the statement may succeed when retried as a whole.
    public var isTransient: Bool {
        if code == .connectionLost || code == .connectionFailed { return true }
        guard let sqlState else { return false }
        // 40001 serialization failure, 40P01 deadlock, 57P01..03 shutdown/crash, 08 connection.
        return sqlState == "40001" || sqlState == "40P01" || sqlState.hasPrefix("57P") || sqlState.hasPrefix("08")
    }
}
