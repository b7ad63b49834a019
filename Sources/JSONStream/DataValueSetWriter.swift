/// Streams an import payload for `POST /api/dataValueSets`:
/// `{"dataSet":…,"completeDate":…,"period":…,"orgUnit":…,"attributeOptionCombo":…,"dataValues":[…]}`.
///
/// Output accumulates in one reusable buffer; take it out whenever ``isChunkReady`` says so, with
/// ``drain(_:)`` (no copy) or ``takeChunk()``, so memory stays flat however many values are written.
/// Nil fields and nil header fields are left out. Strings are escaped per RFC 8259: `"` and `\` with a
/// backslash, control characters as `\b \f \n \r \t` or `\u00XX`; other characters are written as UTF-8.
public struct DataValueSetWriter: Sendable {
    /// The size at which a chunk counts as ready.
    public let chunkSize: Int
    /// Bitmask of `DataValue.Field` raw values never written (e.g. `created`/`lastUpdated`, which 2.41+ ignores).
    private let omitted: UInt16
    /// Writable region; only the first `used` bytes are output.
    private var buffer: [UInt8] = []
    private var used = 0
    public private(set) var valueCount = 0
    public private(set) var isFinished = false

    /// Starts a document; the header goes into the buffer at once.
    ///
    /// - Parameters:
    ///   - header: Top-level fields to write; nil ones are left out.
    ///   - chunkSize: Buffered size at which ``isChunkReady`` turns true.
    ///   - omitting: Text fields to leave out of every value.
    public init(
        header: DataValueSetHeader = DataValueSetHeader(),
        chunkSize: Int = 64 * 1024,
        omitting: Set<DataValue.Field> = []
    ) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.chunkSize = chunkSize
        omitted = omitting.reduce(0) { $0 | 1 << UInt16($1.rawValue) }
        buffer = [UInt8](repeating: 0, count: chunkSize + 4096)
        writeHeader(header)
    }

    /// Bytes written and not yet taken out.
    public var bufferedByteCount: Int { used }

    /// Whether at least `chunkSize` bytes are buffered, or the document is finished and bytes remain.
    public var isChunkReady: Bool { used >= chunkSize || (isFinished && used > 0) }

    /// Appends one data value.
    public mutating func append(_ value: DataValue) {
        precondition(!isFinished, "append after finish")
        let storage = value.storage
        // Worst case: every byte becomes \u00XX, plus keys and punctuation.
        reserve(storage.count * 6 + 400)
        let first = valueCount == 0
        let escaping = value.mayNeedEscaping
        let omitted = omitted
        let start = used
        used = storage.withUnsafeBytes { source in
            buffer.withUnsafeMutableBytes { target in
                let out = target.baseAddress!
                var o = start
                if !first {
                    out.storeBytes(of: UInt8(ascii: ","), toByteOffset: o, as: UInt8.self)
                    o += 1
                }
                out.storeBytes(of: UInt8(ascii: "{"), toByteOffset: o, as: UInt8.self)
                o += 1
                var separator = false
                if source.count >= DataValue.tableBytes {
                    for field in 0..<DataValue.fieldCount where omitted & (1 << UInt16(field)) == 0 {
                        let span = source.loadUnaligned(fromByteOffset: field * 8, as: UInt64.self)
                        if span == DataValue.absent { continue }
                        if separator {
                            out.storeBytes(of: UInt8(ascii: ","), toByteOffset: o, as: UInt8.self)
                            o += 1
                        }
                        separator = true
                        o += copy(DataValueSetWriter.keyPrefix(field), to: out + o)
                        let bytes = UnsafeRawBufferPointer(
                            start: source.baseAddress! + Int(span >> 32),
                            count: Int(span & 0xFFFF_FFFF)
                        )
                        if escaping {
                            o += DataValueSetWriter.writeEscaped(bytes, to: out + o)
                        } else {
                            (out + o).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                            o += bytes.count
                        }
                        out.storeBytes(of: UInt8(ascii: "\""), toByteOffset: o, as: UInt8.self)
                        o += 1
                    }
                }
                if let followup = value.followup {
                    o += copy(separator ? ",\"followup\":" : "\"followup\":", to: out + o)
                    o += copy(followup ? "true" : "false", to: out + o)
                    separator = true
                }
                if let deleted = value.deleted {
                    o += copy(separator ? ",\"deleted\":" : "\"deleted\":", to: out + o)
                    o += copy(deleted ? "true" : "false", to: out + o)
                }
                out.storeBytes(of: UInt8(ascii: "}"), toByteOffset: o, as: UInt8.self)
                return o + 1
            }
        }
        valueCount += 1
    }

    /// Closes the `dataValues` array and the document. Idempotent.
    public mutating func finish() {
        if isFinished { return }
        write("]}")
        isFinished = true
    }

    /// Hands all buffered bytes to `body` and empties the buffer (keeping its memory for reuse).
    public mutating func drain(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard used > 0 else { return }
        let count = used
        try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        used = 0
    }

    /// The buffered bytes if a chunk is ready (see ``isChunkReady``), else nil.
    public mutating func takeChunk() -> [UInt8]? {
        guard isChunkReady else { return nil }
        return takeAll()
    }

    /// All buffered bytes, ready or not.
    public mutating func takeAll() -> [UInt8] {
        let chunk = Array(buffer[0..<used])
        used = 0
        return chunk
    }

    /// Writes a whole payload in memory.
    public static func encode(
        _ values: some Sequence<DataValue>,
        header: DataValueSetHeader = DataValueSetHeader()
    )
        -> [UInt8]
    {
        var writer = DataValueSetWriter(header: header)
        var output: [UInt8] = []
        for value in values {
            writer.append(value)
            if writer.isChunkReady { writer.drain { output.append(contentsOf: $0) } }
        }
        writer.finish()
        writer.drain { output.append(contentsOf: $0) }
        return output
    }

    // MARK: - Internals

    private mutating func reserve(_ extra: Int) {
        let needed = used + extra
        if needed > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: max(needed, buffer.count * 2) - buffer.count))
        }
    }

    private mutating func write(_ literal: StaticString) {
        reserve(literal.utf8CodeUnitCount)
        let start = used
        used += buffer.withUnsafeMutableBytes { copy(literal, to: $0.baseAddress! + start) }
    }

    private mutating func writeHeader(_ header: DataValueSetHeader) {
        write("{")
        let fields: [(StaticString, String?)] = [
            ("\"dataSet\":\"", header.dataSet),
            ("\"completeDate\":\"", header.completeDate),
            ("\"period\":\"", header.period),
            ("\"orgUnit\":\"", header.orgUnit),
            ("\"attributeOptionCombo\":\"", header.attributeOptionCombo),
        ]
        for case (let prefix, var text?) in fields {
            write(prefix)
            text.withUTF8 { bytes in
                reserve(bytes.count * 6)
                let start = used
                used += buffer.withUnsafeMutableBytes {
                    DataValueSetWriter.writeEscaped(UnsafeRawBufferPointer(bytes), to: $0.baseAddress! + start)
                }
            }
            write("\",")
        }
        write("\"dataValues\":[")
    }

    /// `"key":"` for text field `field`.
    private static func keyPrefix(_ field: Int) -> StaticString {
        switch field {
        case 0: "\"dataElement\":\""
        case 1: "\"period\":\""
        case 2: "\"orgUnit\":\""
        case 3: "\"categoryOptionCombo\":\""
        case 4: "\"attributeOptionCombo\":\""
        case 5: "\"value\":\""
        case 6: "\"storedBy\":\""
        case 7: "\"created\":\""
        case 8: "\"lastUpdated\":\""
        default: "\"comment\":\""
        }
    }

    /// Writes `source` (valid UTF-8) as JSON string content; `target` needs room for 6 bytes per input byte.
    static func writeEscaped(_ source: UnsafeRawBufferPointer, to target: UnsafeMutableRawPointer) -> Int {
        var o = 0
        var i = 0
        let count = source.count
        while i < count {
            let runStart = i
            while i < count {
                let byte = source[i]
                if byte < 0x20 || byte == 0x22 || byte == 0x5C { break }
                i += 1
            }
            if i > runStart {
                (target + o).copyMemory(from: source.baseAddress! + runStart, byteCount: i - runStart)
                o += i - runStart
            }
            guard i < count else { break }
            let byte = source[i]
            i += 1
            target.storeBytes(of: UInt8(ascii: "\\"), toByteOffset: o, as: UInt8.self)
            let short: UInt8
            switch byte {
            case 0x22: short = UInt8(ascii: "\"")
            case 0x5C: short = UInt8(ascii: "\\")
            case 0x08: short = UInt8(ascii: "b")
            case 0x0C: short = UInt8(ascii: "f")
            case 0x0A: short = UInt8(ascii: "n")
            case 0x0D: short = UInt8(ascii: "r")
            case 0x09: short = UInt8(ascii: "t")
            default:
                let hex: StaticString = "0123456789abcdef"
                target.storeBytes(of: UInt8(ascii: "u"), toByteOffset: o + 1, as: UInt8.self)
                target.storeBytes(of: UInt8(ascii: "0"), toByteOffset: o + 2, as: UInt8.self)
                target.storeBytes(of: UInt8(ascii: "0"), toByteOffset: o + 3, as: UInt8.self)
                target.storeBytes(of: hex.utf8Start[Int(byte >> 4)], toByteOffset: o + 4, as: UInt8.self)
                target.storeBytes(of: hex.utf8Start[Int(byte & 0xF)], toByteOffset: o + 5, as: UInt8.self)
                o += 6
                continue
            }
            target.storeBytes(of: short, toByteOffset: o + 1, as: UInt8.self)
            o += 2
        }
        return o
    }
}

/// Copies a literal to `target`; returns its length.
@inline(__always)
private func copy(_ literal: StaticString, to target: UnsafeMutableRawPointer) -> Int {
    target.copyMemory(from: literal.utf8Start, byteCount: literal.utf8CodeUnitCount)
    return literal.utf8CodeUnitCount
}
