/// An incremental (push) JSON tokenizer with full RFC 8259 validation.
///
/// Feed it chunks of any size with ``feed(_:into:)``; it calls the sink for every complete token and keeps
/// only the unfinished token between calls. Call ``finish(into:)`` at end of input: a document that is not
/// complete by then (a truncated HTTP body, for instance) is reported as ``JSONStreamError/Code/unexpectedEndOfInput``.
///
/// Tokens that lie wholly inside one chunk are handed out as slices of that chunk. A token split across
/// chunks is collected in a small carry buffer and re-scanned as a whole once its end has arrived, so there
/// is exactly one validating scanner and chunked input behaves exactly like one-shot input.
///
/// After an error, every later call rethrows it.
public struct JSONTokenizer: Sendable {
    /// Resource limits that protect against hostile or broken input.
    public struct Limits: Hashable, Sendable {
        /// Maximum nesting of objects and arrays.
        public var maxDepth: Int
        /// Maximum raw length in bytes of one string, key or number.
        public var maxTokenBytes: Int

        public init(maxDepth: Int = 512, maxTokenBytes: Int = 8 << 20) {
            self.maxDepth = maxDepth
            self.maxTokenBytes = maxTokenBytes
        }
    }

    /// What the grammar allows next.
    @usableFromInline
    enum State: UInt8, Sendable {
        case topValue
        case arrayFirst  // value or ]
        case arrayValue  // value after a comma
        case objectFirst  // key or }
        case objectKey  // key after a comma
        case colon
        case objectValue
        case afterArrayValue  // , or ]
        case afterObjectValue  // , or }
        case done
    }

    @usableFromInline
    enum CarryKind: UInt8, Sendable {
        case none
        case string
        case number
        case literal
    }

    /// How the scanner treats the end of the buffer it is given.
    @usableFromInline
    enum Mode: Sendable {
        /// More input may follow: an unfinished token is carried over.
        case streaming
        /// The buffer holds one whole token (the carry); its end ends a number.
        case tokenComplete
        /// There is no more input.
        case endOfInput
    }

    public let limits: Limits

    @usableFromInline var state: State = .topValue
    /// The state to enter once a value completes (depends on the innermost container).
    @usableFromInline var afterValue: State = .done
    /// One entry per open container: 1 for an object, 0 for an array.
    @usableFromInline var stack: [UInt8] = []
    /// Bytes fed before the current chunk.
    @usableFromInline var consumed: Int = 0
    @usableFromInline var carry: [UInt8] = []
    @usableFromInline var carryKind: CarryKind = .none
    /// Absolute offset of `carry[0]`.
    @usableFromInline var carryStart: Int = 0
    /// For a carried string: whether the next byte is escaped by a trailing backslash.
    @usableFromInline var carryEscaped = false
    @usableFromInline var carryLiteralLength = 0
    @usableFromInline var failure: (any Error)?
    @usableFromInline var finished = false

    public init(limits: Limits = Limits()) {
        self.limits = limits
        stack.reserveCapacity(16)
    }

    /// Total number of bytes fed so far.
    @inlinable
    public var bytesConsumed: Int { consumed }

    /// Current nesting depth.
    @inlinable
    public var depth: Int { stack.count }

    /// Whether a complete top-level value has been read.
    @inlinable
    public var isComplete: Bool { state == .done && carryKind == .none }

    /// Tokenizes the next chunk of input.
    @inlinable
    public mutating func feed<Sink: JSONEventSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink) throws {
        if let failure { throw failure }
        if finished { throw JSONStreamError(.feedAfterFinish, at: consumed) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let pointer = base.assumingMemoryBound(to: UInt8.self)
        do {
            var start = 0
            if carryKind != .none {
                start = try resumeCarry(pointer, bytes.count, &sink)
            }
            if start < bytes.count {
                try scan(pointer + start, bytes.count - start, origin: consumed + start, mode: .streaming, &sink)
            }
            consumed += bytes.count
        } catch {
            failure = error
            throw error
        }
    }

    /// Tokenizes the next chunk of input.
    @inlinable
    public mutating func feed<Sink: JSONEventSink>(_ bytes: [UInt8], into sink: inout Sink) throws {
        try bytes.withUnsafeBytes { try feed($0, into: &sink) }
    }

    /// Declares the end of input. Throws if the document is incomplete; may emit a final top-level number.
    @inlinable
    public mutating func finish<Sink: JSONEventSink>(into sink: inout Sink) throws {
        if let failure { throw failure }
        if finished { return }
        do {
            if carryKind != .none {
                try scanCarry(mode: .endOfInput, &sink)
            }
            guard state == .done else {
                throw JSONStreamError(.unexpectedEndOfInput, at: consumed)
            }
            finished = true
        } catch {
            failure = error
            throw error
        }
    }

    /// Finds the end of the carried token in the new chunk. Returns where normal scanning resumes.
    @inlinable
    mutating func resumeCarry<Sink: JSONEventSink>(
        _ pointer: UnsafePointer<UInt8>,
        _ count: Int,
        _ sink: inout Sink
    ) throws -> Int {
        var index = 0
        switch carryKind {
        case .string:
            // Only the closing quote matters here; the full scan validates everything afterwards.
            var escaped = carryEscaped
            var found = false
            while index < count {
                let byte = pointer[index]
                index += 1
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    found = true
                    break
                }
            }
            carry.append(contentsOf: UnsafeBufferPointer(start: pointer, count: index))
            if !found {
                carryEscaped = escaped
                if carry.count - 1 > limits.maxTokenBytes {
                    throw JSONStreamError(.tokenTooLong, at: carryStart)
                }
                return count
            }
        case .number:
            while index < count {
                let byte = pointer[index]
                let isNumberByte =
                    byte &- 0x30 < 10 || byte == 0x2E || byte | 0x20 == 0x65 || byte == 0x2B || byte == 0x2D
                if !isNumberByte { break }
                index += 1
            }
            carry.append(contentsOf: UnsafeBufferPointer(start: pointer, count: index))
            if carry.count > limits.maxTokenBytes {
                throw JSONStreamError(.tokenTooLong, at: carryStart)
            }
            if index == count { return count }
        case .literal:
            let missing = carryLiteralLength - carry.count
            index = min(missing, count)
            carry.append(contentsOf: UnsafeBufferPointer(start: pointer, count: index))
            if index < missing { return count }
        case .none:
            return 0
        }
        try scanCarry(mode: .tokenComplete, &sink)
        return index
    }

    /// Re-scans the carried token as one contiguous buffer.
    @inlinable
    mutating func scanCarry<Sink: JSONEventSink>(mode: Mode, _ sink: inout Sink) throws {
        var token: [UInt8] = []
        swap(&token, &carry)
        carryKind = .none
        defer {
            token.removeAll(keepingCapacity: true)
            swap(&token, &carry)
        }
        let origin = carryStart
        try token.withUnsafeBufferPointer { buffer in
            try scan(buffer.baseAddress!, buffer.count, origin: origin, mode: mode, &sink)
        }
    }

    /// Saves an unfinished token so the next chunk can complete it.
    @inlinable
    mutating func suspend(_ kind: CarryKind, _ start: UnsafePointer<UInt8>, _ count: Int, origin: Int) throws {
        carry.removeAll(keepingCapacity: true)
        carry.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
        carryKind = kind
        carryStart = origin
        switch kind {
        case .string:
            var trailing = 0
            while trailing < count - 1 && start[count - 1 - trailing] == 0x5C { trailing += 1 }
            carryEscaped = trailing & 1 == 1
            if count - 1 > limits.maxTokenBytes { throw JSONStreamError(.tokenTooLong, at: origin) }
        case .number:
            if count > limits.maxTokenBytes { throw JSONStreamError(.tokenTooLong, at: origin) }
        case .literal:
            carryLiteralLength = start[0] == 0x66 ? 5 : 4
        case .none:
            break
        }
    }

    // The whole scanner is one function on purpose: splitting the hot loop into helpers that the optimizer
    // does not inline cost 1.3–1.5x in earlier measurements.
    @inlinable
    mutating func scan<Sink: JSONEventSink>(
        _ p: UnsafePointer<UInt8>,
        _ n: Int,
        origin: Int,
        mode: Mode,
        _ sink: inout Sink
    ) throws {
        var state = self.state
        var afterValue = self.afterValue
        defer {
            self.state = state
            self.afterValue = afterValue
        }
        let maxToken = limits.maxTokenBytes
        var i = 0
        while i < n {
            let c = p[i]
            if c <= 0x20 {
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                    i += 1
                    continue
                }
                throw JSONStreamError(state == .done ? .trailingData : .unexpectedCharacter, at: origin + i)
            }

            if c == 0x22 {
                let isKey: Bool
                switch state {
                case .objectFirst, .objectKey: isKey = true
                case .topValue, .arrayFirst, .arrayValue, .objectValue: isKey = false
                case .done: throw JSONStreamError(.trailingData, at: origin + i)
                default: throw JSONStreamError(.unexpectedCharacter, at: origin + i)
                }
                let start = i
                var j = i + 1
                var escaped = false
                while true {
                    // 8 bytes at a time while none is a quote, backslash, control or non-ASCII byte.
                    while j + 8 <= n {
                        let w = UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
                        let q = w ^ 0x2222_2222_2222_2222
                        let b = w ^ 0x5C5C_5C5C_5C5C_5C5C
                        let ones: UInt64 = 0x0101_0101_0101_0101
                        let found =
                            ((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- 0x2020_2020_2020_2020) & ~w) | w
                        let mask = found & 0x8080_8080_8080_8080
                        if mask == 0 {
                            j += 8
                            continue
                        }
                        // Borrows only spill upwards, so the lowest flagged byte is a real hit.
                        j += mask.trailingZeroBitCount >> 3
                        break
                    }
                    guard j < n else { break }
                    let d = p[j]
                    if d == 0x22 { break }
                    if d < 0x80 {
                        if d >= 0x20 && d != 0x5C {
                            j += 1
                            continue
                        }
                        if d < 0x20 { throw JSONStreamError(.controlCharacterInString, at: origin + j) }
                        // Backslash escape.
                        escaped = true
                        guard j + 1 < n else { break }
                        let e = p[j + 1]
                        switch e {
                        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                            j += 2
                            continue
                        case 0x75:
                            let high = JSONTokenizer.hex4(p, j + 2, n)
                            // hex4 gives -(2 + k) for a bad digit k, so the digit sits at (j + 2) + k == j - high.
                            if high < -1 { throw JSONStreamError(.invalidUnicodeEscape, at: origin + j - high) }
                            if high == -1 { break }
                            if high >= 0xDC00 && high < 0xE000 {
                                throw JSONStreamError(.invalidUnicodeEscape, at: origin + j)
                            }
                            if high < 0xD800 || high >= 0xDC00 {
                                j += 6
                                continue
                            }
                            // A high surrogate must be followed at once by an escaped low surrogate.
                            guard j + 6 < n else { break }
                            guard p[j + 6] == 0x5C else { throw JSONStreamError(.invalidUnicodeEscape, at: origin + j) }
                            guard j + 7 < n else { break }
                            guard p[j + 7] == 0x75 else { throw JSONStreamError(.invalidUnicodeEscape, at: origin + j) }
                            let low = JSONTokenizer.hex4(p, j + 8, n)
                            if low < -1 { throw JSONStreamError(.invalidUnicodeEscape, at: origin + j + 6 - low) }
                            if low == -1 { break }
                            guard low >= 0xDC00 && low < 0xE000 else {
                                throw JSONStreamError(.invalidUnicodeEscape, at: origin + j)
                            }
                            j += 12
                            continue
                        default:
                            throw JSONStreamError(.invalidEscape, at: origin + j)
                        }
                        break  // need more input inside a \u escape
                    }
                    // Multi-byte UTF-8 (Unicode Table 3-7): the second byte's range depends on the lead.
                    var low: UInt8 = 0x80
                    var high: UInt8 = 0xBF
                    let length: Int
                    switch d {
                    case 0xC2...0xDF: length = 2
                    case 0xE0:
                        length = 3
                        low = 0xA0
                    case 0xE1...0xEC, 0xEE, 0xEF: length = 3
                    case 0xED:
                        length = 3
                        high = 0x9F
                    case 0xF0:
                        length = 4
                        low = 0x90
                    case 0xF1...0xF3: length = 4
                    case 0xF4:
                        length = 4
                        high = 0x8F
                    default: throw JSONStreamError(.invalidUTF8, at: origin + j)
                    }
                    guard j + 1 < n else { break }
                    let second = p[j + 1]
                    guard second >= low && second <= high else { throw JSONStreamError(.invalidUTF8, at: origin + j) }
                    if length > 2 {
                        guard j + 2 < n else { break }
                        guard p[j + 2] & 0xC0 == 0x80 else { throw JSONStreamError(.invalidUTF8, at: origin + j) }
                        if length > 3 {
                            guard j + 3 < n else { break }
                            guard p[j + 3] & 0xC0 == 0x80 else {
                                throw JSONStreamError(.invalidUTF8, at: origin + j)
                            }
                        }
                    }
                    j += length
                }
                guard j < n && p[j] == 0x22 else {
                    // Ran out of input inside the string.
                    switch mode {
                    case .streaming:
                        try suspend(.string, p + start, n - start, origin: origin + start)
                        return
                    case .tokenComplete, .endOfInput:
                        throw JSONStreamError(.unexpectedEndOfInput, at: origin + n)
                    }
                }
                let length = j - start - 1
                if length > maxToken { throw JSONStreamError(.tokenTooLong, at: origin + start) }
                let text = JSONText(
                    rawBytes: UnsafeRawBufferPointer(start: p + start + 1, count: length),
                    hasEscapes: escaped
                )
                if isKey {
                    try sink.key(text, at: origin + start)
                    state = .colon
                } else {
                    try sink.string(text, at: origin + start)
                    state = afterValue
                }
                i = j + 1
                continue
            }

            switch state {
            case .afterObjectValue, .afterArrayValue:
                if c == 0x2C {
                    state = state == .afterObjectValue ? .objectKey : .arrayValue
                    i += 1
                    continue
                }
                if c == 0x7D && state == .afterObjectValue {
                    stack.removeLast()
                    try sink.endObject(at: origin + i)
                } else if c == 0x5D && state == .afterArrayValue {
                    stack.removeLast()
                    try sink.endArray(at: origin + i)
                } else {
                    throw JSONStreamError(.unexpectedCharacter, at: origin + i)
                }
                afterValue =
                    stack.isEmpty ? .done : (stack[stack.count - 1] == 1 ? .afterObjectValue : .afterArrayValue)
                state = afterValue
                i += 1

            case .colon:
                guard c == 0x3A else { throw JSONStreamError(.unexpectedCharacter, at: origin + i) }
                state = .objectValue
                i += 1

            case .objectFirst, .objectKey:
                guard c == 0x7D && state == .objectFirst else {
                    throw JSONStreamError(.unexpectedCharacter, at: origin + i)
                }
                stack.removeLast()
                try sink.endObject(at: origin + i)
                afterValue =
                    stack.isEmpty ? .done : (stack[stack.count - 1] == 1 ? .afterObjectValue : .afterArrayValue)
                state = afterValue
                i += 1

            case .done:
                throw JSONStreamError(.trailingData, at: origin + i)

            case .topValue, .arrayFirst, .arrayValue, .objectValue:
                switch c {
                case 0x7B, 0x5B:
                    guard stack.count < limits.maxDepth else {
                        throw JSONStreamError(.depthLimitExceeded, at: origin + i)
                    }
                    if c == 0x7B {
                        stack.append(1)
                        try sink.startObject(at: origin + i)
                        state = .objectFirst
                        afterValue = .afterObjectValue
                    } else {
                        stack.append(0)
                        try sink.startArray(at: origin + i)
                        state = .arrayFirst
                        afterValue = .afterArrayValue
                    }
                    i += 1

                case 0x5D:
                    guard state == .arrayFirst else { throw JSONStreamError(.unexpectedCharacter, at: origin + i) }
                    stack.removeLast()
                    try sink.endArray(at: origin + i)
                    afterValue =
                        stack.isEmpty ? .done : (stack[stack.count - 1] == 1 ? .afterObjectValue : .afterArrayValue)
                    state = afterValue
                    i += 1

                case 0x2D, 0x30...0x39:
                    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, ended by the first byte that cannot continue it.
                    let start = i
                    var j = i
                    var accepting = false
                    if c == 0x2D { j += 1 }
                    number: do {
                        guard j < n else { break number }
                        let first = p[j]
                        if first == 0x30 {
                            j += 1
                        } else if first &- 0x31 < 9 {
                            j += 1
                            while j < n && p[j] &- 0x30 < 10 { j += 1 }
                        } else {
                            throw JSONStreamError(.invalidNumber, at: origin + j)
                        }
                        accepting = true
                        guard j < n else { break number }
                        if p[j] == 0x2E {
                            j += 1
                            accepting = false
                            guard j < n else { break number }
                            guard p[j] &- 0x30 < 10 else { throw JSONStreamError(.invalidNumber, at: origin + j) }
                            j += 1
                            while j < n && p[j] &- 0x30 < 10 { j += 1 }
                            accepting = true
                            guard j < n else { break number }
                        }
                        if p[j] | 0x20 == 0x65 {
                            j += 1
                            accepting = false
                            guard j < n else { break number }
                            if p[j] == 0x2B || p[j] == 0x2D {
                                j += 1
                                guard j < n else { break number }
                            }
                            guard p[j] &- 0x30 < 10 else { throw JSONStreamError(.invalidNumber, at: origin + j) }
                            j += 1
                            while j < n && p[j] &- 0x30 < 10 { j += 1 }
                            accepting = true
                        }
                    }
                    if j == n {
                        switch mode {
                        case .streaming:
                            try suspend(.number, p + start, n - start, origin: origin + start)
                            return
                        case .tokenComplete:
                            guard accepting else { throw JSONStreamError(.invalidNumber, at: origin + n) }
                        case .endOfInput:
                            guard accepting else { throw JSONStreamError(.unexpectedEndOfInput, at: origin + n) }
                        }
                    }
                    if j - start > maxToken { throw JSONStreamError(.tokenTooLong, at: origin + start) }
                    try sink.number(
                        JSONText(
                            rawBytes: UnsafeRawBufferPointer(start: p + start, count: j - start),
                            hasEscapes: false
                        ),
                        at: origin + start
                    )
                    state = afterValue
                    i = j

                case 0x74, 0x66, 0x6E:
                    let length = c == 0x66 ? 5 : 4
                    let available = min(length, n - i)
                    var matches = true
                    for k in 1..<available where p[i + k] != JSONTokenizer.literalByte(c, k) {
                        matches = false
                        break
                    }
                    guard matches else { throw JSONStreamError(.invalidLiteral, at: origin + i) }
                    if available < length {
                        switch mode {
                        case .streaming:
                            try suspend(.literal, p + i, n - i, origin: origin + i)
                            return
                        case .tokenComplete:
                            throw JSONStreamError(.invalidLiteral, at: origin + i)
                        case .endOfInput:
                            throw JSONStreamError(.unexpectedEndOfInput, at: origin + n)
                        }
                    }
                    if c == 0x6E {
                        try sink.null(at: origin + i)
                    } else {
                        try sink.bool(c == 0x74, at: origin + i)
                    }
                    state = afterValue
                    i += length

                default:
                    throw JSONStreamError(.unexpectedCharacter, at: origin + i)
                }
            }
        }
    }

    /// Byte `index` of the literal starting with `first` ("true", "false" or "null").
    @inlinable
    static func literalByte(_ first: UInt8, _ index: Int) -> UInt8 {
        switch first {
        case 0x74: return (0x74_7275_65 as UInt32).byte(index, of: 4)
        case 0x6E: return (0x6E_756C_6C as UInt32).byte(index, of: 4)
        default: return (0x66_616C_7365 as UInt64).byte(index, of: 5)
        }
    }

    /// Value of four hex digits at `start`: -1 when input ends first, or -(2 + k) when digit k is not hex.
    @inlinable
    static func hex4(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var value = 0
        for k in 0..<4 {
            guard start + k < n else { return -1 }
            let byte = p[start + k]
            let digit: Int
            if byte &- 0x30 < 10 {
                digit = Int(byte &- 0x30)
            } else if (byte | 0x20) &- 0x61 < 6 {
                digit = Int((byte | 0x20) &- 0x61) + 10
            } else {
                return -(2 + k)
            }
            value = value << 4 | digit
        }
        return value
    }
}

extension FixedWidthInteger {
    /// Byte `index` (0 = most significant) of the low `count` bytes, as written in source.
    @inlinable
    func byte(_ index: Int, of count: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: self >> ((count - 1 - index) * 8))
    }
}
