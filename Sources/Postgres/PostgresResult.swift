import CLibPQ

/// The rows of one statement, read straight out of libpq's `PGresult` without copying.
///
/// libpq documents a `PGresult` as read-only after creation and safe to share between threads,
/// which is what makes this type `Sendable`; it is freed exactly once, when the last reference goes.
public final class PostgresResult: @unchecked Sendable, RandomAccessCollection {
    let pointer: OpaquePointer
    /// Column names, read once: rows look columns up by name.
    public let columns: [String]
    public let startIndex = 0
    public let endIndex: Int

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        let fieldCount = Int(PQnfields(pointer))
        columns = (0..<fieldCount).map { String(cString: PQfname(pointer, Int32($0))) }
        endIndex = Int(PQntuples(pointer))
    }

    deinit { PQclear(pointer) }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < endIndex, "row index out of range")
        return PostgresRow(result: self, row: Int32(position))
    }

    /// Rows affected by an INSERT/UPDATE/DELETE/COPY…, from the command tag; nil for other commands.
    public var affectedRows: Int? {
        Int(String(cString: PQcmdTuples(pointer)))
    }

    /// The command tag, e.g. `INSERT 0 3`.
    public var commandTag: String { String(cString: PQcmdStatus(pointer)) }

    func columnIndex(named name: String) -> Int? { columns.firstIndex(of: name) }
}

/// One row of a ``PostgresResult``; columns are decoded on demand.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let row: Int32

    public var columnCount: Int { result.columns.count }
    public var columns: [String] { result.columns }

    public func isNull(_ column: Int) -> Bool {
        PQgetisnull(result.pointer, row, Int32(column)) == 1
    }

    /// Decodes column `column` (0-based); NULL only decodes into an `Optional`.
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, at column: Int) throws(PostgresError) -> T {
        guard column >= 0 && column < columnCount else {
            throw PostgresError(
                code: .decoding,
                message: "column \(column) does not exist (the row has \(columnCount))"
            )
        }
        let type = UInt32(PQftype(result.pointer, Int32(column)))
        do {
            if isNull(column) { return try T.decodeColumn(nil, type: type) }
            let length = Int(PQgetlength(result.pointer, row, Int32(column)))
            let bytes = PQgetvalue(result.pointer, row, Int32(column))!
            return try bytes.withMemoryRebound(to: UInt8.self, capacity: length) { base throws(PostgresError) in
                try T.decodeColumn(UnsafeBufferPointer(start: base, count: length), type: type)
            }
        } catch {
            var error = error
            error.message = "column \"\(result.columns[column])\": " + error.message
            throw error
        }
    }

    /// Decodes the column with this name.
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, named name: String) throws(PostgresError) -> T {
        guard let column = result.columnIndex(named: name) else {
            throw PostgresError(code: .decoding, message: "no column named \"\(name)\" in \(result.columns)")
        }
        return try decode(T.self, at: column)
    }

    /// Decodes the leading columns as a tuple: `try row.decode((Int, String?, Bool).self)`.
    public func decode<each T: PostgresDecodable>(_: (repeat each T).Type) throws(PostgresError) -> (repeat each T) {
        var column = 0
        func next<V: PostgresDecodable>(_: V.Type) throws(PostgresError) -> V {
            defer { column += 1 }
            return try decode(V.self, at: column)
        }
        return (repeat try next((each T).self))
    }
}
