import CLibPQ

extension PostgresConnection {
    /// Bulk-loads rows with `COPY table (columns) FROM STDIN`, the fastest way into PostgreSQL.
    ///
    /// `fill` runs on the connection thread and appends rows to the writer, which streams them to
    /// the server in 1 MiB pieces, so memory stays flat however many rows there are. If `fill`
    /// throws, the COPY is aborted and nothing is inserted. Table and column names are quoted as
    /// identifiers by libpq, never spliced raw.
    ///
    /// - Returns: the number of rows the server stored.
    @discardableResult
    public func copyFrom(
        table: String,
        schema: String? = nil,
        columns: [String],
        _ fill: @Sendable (inout PostgresCopyWriter) throws -> Void
    ) throws -> Int {
        let connection = try ready()
        var target = try quoteIdentifier(table, connection)
        if let schema { target = try quoteIdentifier(schema, connection) + "." + target }
        let columnList = try columns.map { name throws(PostgresError) in try quoteIdentifier(name, connection) }
        let sql = "COPY \(target) (\(columnList.joined(separator: ", "))) FROM STDIN"
        guard let start = PQexec(connection, sql) else { throw connectionError(sql: sql) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try check(start, sql: sql)
            throw PostgresError(code: .protocol, message: "server did not enter COPY mode", query: sql)
        }
        PQclear(start)

        var writer = PostgresCopyWriter(connection: connection, columnCount: columns.count)
        do {
            try fill(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(connection, "aborted by client")
            discardResults(connection)
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else { throw connectionError(sql: sql) }
        var stored = 0
        var firstError: PostgresError?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                stored = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = failure(result, sql: sql)
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        return stored
    }

    /// Convenience over ``copyFrom(table:schema:columns:_:)`` for rows already in memory.
    @discardableResult
    public func copyFrom(
        table: String,
        schema: String? = nil,
        columns: [String],
        rows: [[(any PostgresEncodable)?]]
    ) throws -> Int {
        try copyFrom(table: table, schema: schema, columns: columns) { writer in
            for row in rows { try writer.appendRow(row) }
        }
    }

    private func quoteIdentifier(_ name: String, _ connection: OpaquePointer) throws(PostgresError) -> String {
        guard let quoted = PQescapeIdentifier(connection, name, name.utf8.count) else {
            throw PostgresError(code: .invalidConfiguration, message: "invalid identifier \"\(name)\"")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}

/// Encodes rows in COPY's text format and sends them in large pieces.
///
/// Only lives inside ``PostgresConnection/copyFrom(table:schema:columns:_:)``, on the connection thread.
public struct PostgresCopyWriter: ~Copyable {
    private let connection: OpaquePointer
    private let columnCount: Int
    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private static let flushThreshold = 1 << 20

    init(connection: OpaquePointer, columnCount: Int) {
        self.connection = connection
        self.columnCount = columnCount
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Appends one row; it must have exactly one value per column (nil is NULL).
    public mutating func appendRow(_ values: [(any PostgresEncodable)?]) throws(PostgresError) {
        guard values.count == columnCount else {
            throw PostgresError(
                code: .protocol,
                message: "COPY row has \(values.count) values for \(columnCount) columns"
            )
        }
        for value in values { appendField(value?.postgresText) }
        try endRow()
    }

    /// Appends one field of the current row as text (nil is NULL); finish the row with ``endRow()``.
    public mutating func appendField(_ text: String?) {
        if fieldsInRow > 0 { buffer.append(UInt8(ascii: "\t")) }
        fieldsInRow += 1
        guard let text else {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "N"))
            return
        }
        // Text format: backslash, tab, newline and carriage return must be escaped.
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }

    /// Ends the current row.
    public mutating func endRow() throws(PostgresError) {
        guard fieldsInRow == columnCount else {
            throw PostgresError(
                code: .protocol,
                message: "COPY row has \(fieldsInRow) fields for \(columnCount) columns"
            )
        }
        buffer.append(UInt8(ascii: "\n"))
        fieldsInRow = 0
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBytes { raw in
            PQputCopyData(connection, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
        }
        guard sent == 1 else {
            throw PostgresError(
                code: .connectionLost,
                message: "sending COPY data failed: "
                    + String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
            )
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
