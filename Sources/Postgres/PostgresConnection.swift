import CLibPQ
import Glibc
import Logging

/// One libpq connection, owned by a dedicated thread.
///
/// The actor's executor is that thread, so every libpq call (all of which may block) runs there
/// and never on Swift's cooperative pool. Like a `PGconn`, a connection serves one task at a time:
/// statements from concurrent tasks are serialised, but a transaction or a stream in progress
/// belongs to the task that started it.
///
/// A connection that broke while idle (the server restarted, a proxy dropped it) is re-established
/// before the next statement is sent. One that breaks *during* a statement throws
/// ``PostgresError/Code/connectionLost`` — whether the statement took effect is unknown, so the
/// caller decides whether to retry — and the next call reconnects.
public actor PostgresConnection {
    private let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// True when called from the connection's own thread, where all libpq calls run.
    public nonisolated var isOnConnectionThread: Bool { executor.isCurrentThread }

    public nonisolated let configuration: PostgresConfiguration
    let logger: Logger
    private let notices: NoticeSink
    var handle: OpaquePointer?
    private var closed = false
    private var activeStream: UInt64?
    private var nextStreamID: UInt64 = 0

    /// Incremented on every successful (re)connect. Session state of an earlier generation —
    /// advisory locks, temporary tables, `SET`s — is gone; lock holders compare it to notice.
    public private(set) var sessionGeneration = 0

    private init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.notices = NoticeSink(logger: logger)
        self.executor = ThreadExecutor(name: "postgres")
    }

    /// Opens a connection; throws ``PostgresError/Code/connectionFailed`` with libpq's reason
    /// (never the password) when the server is unreachable or refuses the credentials.
    public static func connect(
        _ configuration: PostgresConfiguration,
        logger: Logger
    ) async throws(PostgresError) -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration, logger: logger)
        try await connection.open()
        return connection
    }

    // Isolated, so PQfinish runs on the connection's own thread like every other libpq call.
    isolated deinit {
        if let handle { PQfinish(handle) }
        executor.shutdown()
    }

    /// Closes the connection; later calls throw ``PostgresError/Code/closed``.
    public func close() {
        closed = true
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// The server's version number, e.g. 150018 for 15.18.
    public func serverVersion() throws(PostgresError) -> Int {
        Int(PQserverVersion(try ready()))
    }

    // MARK: Statements

    /// Runs one statement with `$1…$n` parameters and returns all of its rows.
    @discardableResult
    public func query(
        _ sql: String,
        _ parameters: [(any PostgresEncodable)?] = []
    ) throws(PostgresError) -> PostgresResult {
        let connection = try ready()
        let result = withParameters(parameters) { count, types, values in
            PQexecParams(connection, sql, count, types, values, nil, nil, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs one statement and returns the number of rows it affected (0 when not applicable).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows ?? 0
    }

    /// Runs a script of several statements without parameters (a schema file, say) in one round trip.
    public func executeScript(_ sql: String) throws(PostgresError) {
        let connection = try ready()
        _ = try check(PQexec(connection, sql), sql: String(sql.prefix(200)))
    }

    // MARK: Streaming

    /// Streams the rows of a large result in constant memory (libpq's single-row mode),
    /// fetched from the connection thread in batches.
    ///
    /// Abandoning the iteration is safe: the next statement on the connection cancels the rest.
    public nonisolated func stream(
        _ sql: String,
        _ parameters: [(any PostgresEncodable)?] = [],
        batchSize: Int = 256
    ) -> PostgresRowSequence {
        PostgresRowSequence(connection: self, sql: sql, parameters: parameters, batchSize: batchSize)
    }

    func beginStream(_ sql: String, _ parameters: [(any PostgresEncodable)?]) throws(PostgresError) -> UInt64 {
        let connection = try ready()
        let sent = withParameters(parameters) { count, types, values in
            PQsendQueryParams(connection, sql, count, types, values, nil, nil, 0)
        }
        guard sent == 1 else { throw connectionError(sql: sql) }
        guard PQsetSingleRowMode(connection) == 1 else {
            discardResults(connection)
            throw PostgresError(code: .protocol, message: "libpq refused single-row mode", query: sql)
        }
        nextStreamID += 1
        activeStream = nextStreamID
        return nextStreamID
    }

    func nextRows(stream id: UInt64, limit: Int, sql: String) throws(PostgresError) -> [PostgresRow]? {
        guard activeStream == id, let connection = handle else {
            throw PostgresError(
                code: .busy,
                message: "the stream was interrupted by another statement on the same connection",
                query: sql
            )
        }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(limit)
        while rows.count < limit {
            guard let result = PQgetResult(connection) else {
                activeStream = nil
                return rows.isEmpty ? nil : rows
            }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                rows.append(PostgresResult(taking: result)[0])
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                PQclear(result)  // the zero-row terminator; PQgetResult returns NULL next
            default:
                // A query can fail after rows were delivered; the caller must treat what it saw as partial.
                let error = failure(result, sql: sql)
                PQclear(result)
                discardResults(connection)
                activeStream = nil
                throw error
            }
        }
        return rows
    }

    // MARK: Connection management

    /// Returns a live handle: reconnects when the connection broke while idle, and cancels an
    /// abandoned stream. Fails when a transaction was open on a connection that broke, since
    /// silently continuing on a fresh session would run the rest outside that transaction.
    func ready() throws(PostgresError) -> OpaquePointer {
        guard !closed else { throw PostgresError(code: .closed, message: "the connection was closed") }
        if let handle, activeStream != nil {
            cancelAndDiscard(handle)
            activeStream = nil
        }
        if let handle {
            // A cheap non-blocking read notices a server that went away since the last statement.
            // UNKNOWN means the break was already reported by the statement that hit it.
            let status = PQtransactionStatus(handle)
            let wasInTransaction = status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
            if PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK {
                return handle
            }
            PQfinish(handle)
            self.handle = nil
            if wasInTransaction {
                throw PostgresError(
                    code: .connectionLost,
                    message: "the connection broke inside a transaction; the transaction was rolled back by the server"
                )
            }
            logger.info("PostgreSQL connection lost while idle; reconnecting")
        }
        try open()
        return handle!
    }

    private func open() throws(PostgresError) {
        let pairs = configuration.parameters
        let connection = withCStringArrays(pairs.map(\.keyword), pairs.map(\.value)) { keywords, values in
            PQconnectdbParams(keywords, values, 0)
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
            PQfinish(connection)
            throw PostgresError(
                code: .connectionFailed,
                message: "cannot connect to PostgreSQL: " + message.redacting(configuration.password)
            )
        }
        // Route server notices to the logger instead of libpq's default, which prints to stderr.
        PQsetNoticeProcessor(connection, NoticeSink.processor, Unmanaged.passUnretained(notices).toOpaque())
        handle = connection
        sessionGeneration += 1
        logger.debug(
            "PostgreSQL connected",
            metadata: ["db.generation": "\(sessionGeneration)", "db.server_version": "\(PQserverVersion(connection))"]
        )
    }

    // MARK: Results and errors

    func check(_ result: OpaquePointer?, sql: String) throws(PostgresError) -> PostgresResult {
        guard let result else { throw connectionError(sql: sql) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(taking: result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            if let handle { cancelAndDiscard(handle) }
            throw PostgresError(code: .busy, message: "COPY goes through copyFrom, not query", query: sql)
        default:
            let error = failure(result, sql: sql)
            PQclear(result)
            throw error
        }
    }

    func failure(_ result: OpaquePointer, sql: String) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let lost = handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
        let primary = field(Int32(UInt8(ascii: "M"))) ?? String(cString: PQresultErrorMessage(result))
        return PostgresError(
            code: lost ? .connectionLost : .server,
            message: primary.trimmingTrailingNewlines().redacting(configuration.password),
            sqlState: field(Int32(UInt8(ascii: "C"))),
            detail: field(Int32(UInt8(ascii: "D"))),
            hint: field(Int32(UInt8(ascii: "H"))),
            query: sql
        )
    }

    func connectionError(sql: String) -> PostgresError {
        let message = handle.map { String(cString: PQerrorMessage($0)).trimmingTrailingNewlines() } ?? "no connection"
        let lost = handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
        return PostgresError(
            code: lost ? .connectionLost : .protocol,
            message: message.redacting(configuration.password),
            query: sql
        )
    }

    /// Asks the server to stop the running statement, then reads and drops whatever it still sends.
    func cancelAndDiscard(_ connection: OpaquePointer) {
        if let cancel = PQgetCancel(connection) {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &buffer, Int32(buffer.count))
            PQfreeCancel(cancel)
        }
        discardResults(connection)
    }

    func discardResults(_ connection: OpaquePointer) {
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_COPY_IN {
                _ = PQputCopyEnd(connection, "abandoned by client")
            }
        }
    }
}

/// Delivers libpq notices (e.g. `NOTICE: relation already exists, skipping`) to the logger.
private final class NoticeSink: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }

    static let processor: PQnoticeProcessor = { context, message in
        guard let context, let message else { return }
        let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
        sink.logger.debug(
            "PostgreSQL notice",
            metadata: ["db.notice": "\(String(cString: message).trimmingTrailingNewlines())"]
        )
    }
}

/// Binds parameters as C strings for the duration of one libpq call.
func withParameters<R>(
    _ parameters: [(any PostgresEncodable)?],
    _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?) -> R
) -> R {
    let types: [Oid] = parameters.map { value in value.map { type(of: $0).postgresTypeOID } ?? 0 }
    let strings: [UnsafeMutablePointer<CChar>?] = parameters.map { value in value.map { strdup($0.postgresText)! } }
    defer { strings.forEach { free($0) } }
    let values = strings.map { UnsafePointer($0) }
    return types.withUnsafeBufferPointer { typePointer in
        values.withUnsafeBufferPointer { valuePointer in
            body(Int32(parameters.count), typePointer.baseAddress, valuePointer.baseAddress)
        }
    }
}

/// Two NULL-terminated arrays of C strings, as `PQconnectdbParams` takes them.
private func withCStringArrays<R>(
    _ first: [String],
    _ second: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R
) -> R {
    let a: [UnsafeMutablePointer<CChar>?] = first.map { strdup($0) } + [nil]
    let b: [UnsafeMutablePointer<CChar>?] = second.map { strdup($0) } + [nil]
    defer {
        a.forEach { free($0) }
        b.forEach { free($0) }
    }
    let ca = a.map { UnsafePointer($0) }
    let cb = b.map { UnsafePointer($0) }
    return ca.withUnsafeBufferPointer { pa in
        cb.withUnsafeBufferPointer { pb in body(pa.baseAddress!, pb.baseAddress!) }
    }
}
