/// A borrowed view of a string, key or number exactly as it appears in the input.
///
/// The bytes are already validated (UTF-8, escapes, surrogate pairs), so decoding cannot fail.
/// Only valid inside the ``JSONEventSink`` call that received it: copy what you need to keep.
public struct JSONText {
    /// The raw bytes between the quotes (escapes not yet resolved), or the number's text.
    public let rawBytes: UnsafeRawBufferPointer
    /// Whether the raw bytes contain at least one backslash escape.
    public let hasEscapes: Bool

    @inlinable
    public init(rawBytes: UnsafeRawBufferPointer, hasEscapes: Bool) {
        self.rawBytes = rawBytes
        self.hasEscapes = hasEscapes
    }

    /// Upper bound of the decoded length: decoding never makes text longer.
    @inlinable
    public var rawByteCount: Int { rawBytes.count }

    /// The decoded text as a `String`.
    public func decodedString() -> String {
        if !hasEscapes {
            return String(decoding: rawBytes, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: rawBytes.count) { buffer in
            JSONText.unescape(rawBytes, into: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }

    /// Appends the decoded UTF-8 bytes to `buffer`.
    public func decode(appendingTo buffer: inout [UInt8]) {
        if !hasEscapes {
            buffer.append(contentsOf: rawBytes)
            return
        }
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: rawBytes.count))
        let written = buffer.withUnsafeMutableBytes { target in
            JSONText.unescape(rawBytes, into: target.baseAddress! + oldCount)
        }
        buffer.removeLast(rawBytes.count - written)
    }

    /// Whether the decoded text equals `other`, byte for byte.
    public func decodedEquals(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { expected in
            if !hasEscapes {
                return expected.elementsEqual(rawBytes)
            }
            var decoded: [UInt8] = []
            decode(appendingTo: &decoded)
            return decoded.elementsEqual(expected)
        }
    }

    /// Interprets a number token as an `Int64`; nil when it has a fraction or exponent or does not fit.
    public var int64Value: Int64? {
        var index = 0
        var negative = false
        if index < rawBytes.count && rawBytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < rawBytes.count else { return nil }
        // Accumulate negatively so Int64.min parses too.
        var result: Int64 = 0
        while index < rawBytes.count {
            let digit = rawBytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            result = next
            index += 1
        }
        if negative { return result }
        return result == .min ? nil : -result
    }

    /// Interprets a number token as a `Double` (nearest representable value).
    public var doubleValue: Double? {
        Double(String(decoding: rawBytes, as: UTF8.self))
    }

    /// Decodes validated escaped string content into `target`, which must have room for
    /// `source.count` bytes. Returns the number of bytes written.
    static func unescape(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer) -> Int {
        var read = 0
        var written = 0
        let count = source.count
        while read < count {
            let byte = source[read]
            if byte != UInt8(ascii: "\\") {
                target.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
                read += 1
                written += 1
                continue
            }
            let escape = source[read + 1]
            var decoded: UInt8
            switch escape {
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                var scalar = hex4(source, read + 2)
                read += 6
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // The tokenizer guaranteed a low surrogate escape follows.
                    let low = hex4(source, read + 2)
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    read += 6
                }
                written += storeUTF8(scalar, target + written)
                continue
            default: decoded = escape  // " \ /
            }
            target.storeBytes(of: decoded, toByteOffset: written, as: UInt8.self)
            read += 2
            written += 1
        }
        return written
    }

    private static func hex4(_ source: UnsafeRawBufferPointer, _ start: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in start..<start + 4 {
            let byte = source[index]
            let digit: UInt8
            if byte <= UInt8(ascii: "9") {
                digit = byte &- UInt8(ascii: "0")
            } else {
                digit = (byte | 0x20) &- UInt8(ascii: "a") &+ 10
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func storeUTF8(_ scalar: UInt32, _ target: UnsafeMutableRawPointer) -> Int {
        if scalar < 0x80 {
            target.storeBytes(of: UInt8(scalar), as: UInt8.self)
            return 1
        }
        if scalar < 0x800 {
            target.storeBytes(of: UInt8(0xC0 | scalar >> 6), as: UInt8.self)
            target.storeBytes(of: UInt8(0x80 | scalar & 0x3F), toByteOffset: 1, as: UInt8.self)
            return 2
        }
        if scalar < 0x10000 {
            target.storeBytes(of: UInt8(0xE0 | scalar >> 12), as: UInt8.self)
            target.storeBytes(of: UInt8(0x80 | scalar >> 6 & 0x3F), toByteOffset: 1, as: UInt8.self)
            target.storeBytes(of: UInt8(0x80 | scalar & 0x3F), toByteOffset: 2, as: UInt8.self)
            return 3
        }
        target.storeBytes(of: UInt8(0xF0 | scalar >> 18), as: UInt8.self)
        target.storeBytes(of: UInt8(0x80 | scalar >> 12 & 0x3F), toByteOffset: 1, as: UInt8.self)
        target.storeBytes(of: UInt8(0x80 | scalar >> 6 & 0x3F), toByteOffset: 2, as: UInt8.self)
        target.storeBytes(of: UInt8(0x80 | scalar & 0x3F), toByteOffset: 3, as: UInt8.self)
        return 4
    }
}

// A JSONText points into memory that is only valid during one callback; it must not cross tasks.
@available(*, unavailable)
extension JSONText: Sendable {}
