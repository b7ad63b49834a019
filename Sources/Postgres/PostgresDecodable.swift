import Foundation

/// A Swift type that a column in PostgreSQL's text output format decodes into.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL column value from its text bytes (not NUL-terminated).
    init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError)

    /// Decodes a column that may be NULL; only `Optional` accepts NULL.
    static func decodeColumn(_ bytes: UnsafeBufferPointer<UInt8>?, type: UInt32) throws(PostgresError) -> Self
}

extension PostgresDecodable {
    public static func decodeColumn(_ bytes: UnsafeBufferPointer<UInt8>?, type: UInt32) throws(PostgresError) -> Self {
        guard let bytes else {
            throw PostgresError(code: .decoding, message: "column is NULL; decode it as \(Self.self)? instead")
        }
        return try Self(postgresText: bytes, type: type)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self = .some(try Wrapped(postgresText: bytes, type: type))
    }

    public static func decodeColumn(_ bytes: UnsafeBufferPointer<UInt8>?, type: UInt32) throws(PostgresError) -> Self {
        guard let bytes else { return nil }
        return try Wrapped(postgresText: bytes, type: type)
    }
}

extension String: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension Int: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self = Int(try PostgresDecoding.integer(bytes, type: type, as: Int.self))
    }
}

extension Int64: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self = try PostgresDecoding.integer(bytes, type: type, as: Int64.self)
    }
}

extension Int32: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self = try PostgresDecoding.integer(bytes, type: type, as: Int32.self)
    }
}

extension Int16: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self = try PostgresDecoding.integer(bytes, type: type, as: Int16.self)
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        switch (bytes.count, bytes.first) {
        case (1, UInt8(ascii: "t")): self = true
        case (1, UInt8(ascii: "f")): self = false
        default: throw PostgresDecoding.mismatch(bytes, as: Bool.self, type: type)
        }
    }
}

extension Double: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        // PostgreSQL spells the specials `NaN`, `Infinity`, `-Infinity`, as Double(String) does.
        guard let value = Double(String(decoding: bytes, as: UTF8.self)) else {
            throw PostgresDecoding.mismatch(bytes, as: Double.self, type: type)
        }
        self = value
    }
}

extension Decimal: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresDecoding.mismatch(bytes, as: Decimal.self, type: type)
        }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        guard let date = PostgresTimestamp.parse(bytes) else {
            throw PostgresDecoding.mismatch(bytes, as: Date.self, type: type)
        }
        self = date
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        guard let uuid = UUID(uuidString: String(decoding: bytes, as: UTF8.self)) else {
            throw PostgresDecoding.mismatch(bytes, as: UUID.self, type: type)
        }
        self = uuid
    }
}

extension PostgresBytes: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        // bytea_output is `hex` since PostgreSQL 9.0: `\x` then two hex digits per byte.
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { throw PostgresDecoding.mismatch(bytes, as: PostgresBytes.self, type: type) }
        var out = [UInt8]()
        out.reserveCapacity((bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = PostgresDecoding.hexValue(bytes[index]),
                let low = PostgresDecoding.hexValue(bytes[index + 1])
            else { throw PostgresDecoding.mismatch(bytes, as: PostgresBytes.self, type: type) }
            out.append(high << 4 | low)
            index += 2
        }
        self.init(out)
    }
}

extension PostgresJSON: PostgresDecodable {
    public init(postgresText bytes: UnsafeBufferPointer<UInt8>, type: UInt32) throws(PostgresError) {
        self.init(String(decoding: bytes, as: UTF8.self))
    }
}

enum PostgresDecoding {
    static func integer<T: FixedWidthInteger & SignedInteger>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        type: UInt32,
        as: T.Type
    ) throws(PostgresError) -> T {
        var index = 0
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < bytes.count else { throw mismatch(bytes, as: T.self, type: type) }
        var value: T = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw mismatch(bytes, as: T.self, type: type) }
            // Accumulate negatively so that T.min decodes without overflow.
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(T(digit))
            guard !overflow1, !overflow2 else { throw mismatch(bytes, as: T.self, type: type) }
            value = next
            index += 1
        }
        if negative { return value }
        guard value != T.min else { throw mismatch(bytes, as: T.self, type: type) }
        return -value
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func mismatch<T>(_ bytes: UnsafeBufferPointer<UInt8>, as: T.Type, type: UInt32) -> PostgresError {
        // Only a prefix of the value: columns may hold payloads that do not belong in logs.
        let preview = String(decoding: bytes.prefix(40), as: UTF8.self)
        return PostgresError(
            code: .decoding,
            message: "cannot decode \"\(preview)\(bytes.count > 40 ? "…" : "")\" (type OID \(type)) as \(T.self)"
        )
    }
}
