import Foundation

/// A value that can be bound to a `$n` parameter, sent in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type OID; 0 lets the server infer it from the statement, which is what a
    /// string needs to land in `text`, `jsonb`, `uuid` or `timestamptz` columns alike.
    static var postgresTypeOID: UInt32 { get }
    /// The value in PostgreSQL's text input syntax for that type.
    var postgresText: String { get }
}

extension String: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { 0 }
    public var postgresText: String { self }
}

extension Substring: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { 0 }
    public var postgresText: String { String(self) }
}

extension Int: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public var postgresText: String { String(self) }
}

extension Int64: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public var postgresText: String { String(self) }
}

extension Int32: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int4 }
    public var postgresText: String { String(self) }
}

extension Int16: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int2 }
    public var postgresText: String { String(self) }
}

extension Bool: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.bool }
    public var postgresText: String { self ? "t" : "f" }
}

extension Double: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.float8 }
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
}

extension Decimal: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.numeric }
    public var postgresText: String { "\(self)" }
}

extension Date: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.timestamptz }
    /// ISO 8601 in UTC with microseconds, PostgreSQL's own precision.
    public var postgresText: String { PostgresTimestamp.format(self) }
}

extension UUID: PostgresEncodable {
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.uuid }
    public var postgresText: String { uuidString }
}

/// Raw bytes for a `bytea` column or parameter.
public struct PostgresBytes: Sendable, Hashable, PostgresEncodable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static var postgresTypeOID: UInt32 { PostgresTypeOID.bytea }
    /// bytea's hex input form: `\x` followed by two hex digits per byte.
    public var postgresText: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        out[0] = UInt8(ascii: "\\")
        out[1] = UInt8(ascii: "x")
        for (index, byte) in bytes.enumerated() {
            out[2 + index * 2] = digits[Int(byte >> 4)]
            out[3 + index * 2] = digits[Int(byte & 0x0F)]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// JSON text for a `json`/`jsonb` column or parameter; the layer neither parses nor reformats it.
public struct PostgresJSON: Sendable, Hashable, PostgresEncodable {
    public var text: String
    public init(_ text: String) { self.text = text }

    public static var postgresTypeOID: UInt32 { PostgresTypeOID.jsonb }
    public var postgresText: String { text }
}

/// Type OIDs from PostgreSQL's `pg_type.dat`; stable across server versions.
public enum PostgresTypeOID {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802
}
