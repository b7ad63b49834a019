/// Streams the data values out of a `/api/dataValueSets` JSON document, chunk by chunk, in flat memory.
///
/// ```swift
/// var decoder = DataValueSetDecoder()
/// for try await chunk in body {
///     try chunk.withUnsafeBytes { try decoder.feed($0) { value in batch.append(value) } }
/// }
/// let header = try decoder.finish()  // throws if the body was cut short
/// ```
///
/// Keys may come in any order, unknown keys (with any nested content) are skipped, explicit `null`s give
/// `nil`, and a repeated key keeps its last value. Header fields are captured wherever they appear, so the
/// header is complete only once ``finish()`` returns. Strings, numbers and booleans are all accepted for
/// text fields (numbers keep their exact text), like DHIS2's own reader; objects and arrays are not.
///
/// The `DataValue` passed to the closure is built in a reused buffer: keeping it is fine (it is a value),
/// it only costs the decoder one allocation for the next value.
public struct DataValueSetDecoder: Sendable {
    private var tokenizer: JSONTokenizer
    private var state = DecodeState()

    public init(limits: JSONTokenizer.Limits = JSONTokenizer.Limits()) {
        tokenizer = JSONTokenizer(limits: limits)
    }

    /// Header fields seen so far.
    public var header: DataValueSetHeader { state.header }

    /// Number of data values handed out so far.
    public var valueCount: Int { state.valueCount }

    /// Bytes fed so far.
    public var bytesConsumed: Int { tokenizer.bytesConsumed }

    /// Decodes the next chunk, calling `body` for every data value completed in it.
    ///
    /// An error thrown by `body` stops decoding for good, like a malformed document does.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (DataValue) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            var sink = DecoderSink(state: DecodeState(), body: body)
            swap(&sink.state, &state)
            defer { swap(&sink.state, &state) }
            try tokenizer.feed(bytes, into: &sink)
        }
    }

    /// Decodes the next chunk, calling `body` for every data value completed in it.
    public mutating func feed(_ bytes: [UInt8], _ body: (DataValue) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, body) }
    }

    /// Declares the end of input and returns the header. Throws if the document is incomplete.
    @discardableResult
    public mutating func finish() throws -> DataValueSetHeader {
        var sink = DecoderSink(state: DecodeState(), body: { _ in })
        swap(&sink.state, &state)
        defer { swap(&sink.state, &state) }
        try tokenizer.finish(into: &sink)
        return sink.state.header
    }

    /// Decodes a whole document held in memory.
    public static func decode(_ bytes: [UInt8]) throws -> (header: DataValueSetHeader, values: [DataValue]) {
        var decoder = DataValueSetDecoder()
        var values: [DataValue] = []
        try decoder.feed(bytes) { values.append($0) }
        let header = try decoder.finish()
        return (header, values)
    }
}

/// Where the decoder is in the document.
private enum Phase: UInt8, Sendable {
    case start  // before the top-level object
    case topKey  // in the top-level object, expecting a key or }
    case topValue  // after a top-level key
    case inArray  // in dataValues, expecting an object or ]
    case valueKey  // in a data value, expecting a key or }
    case valueField  // after a data value key
    case skip  // inside an ignored container
    case end
}

/// Indices of the non-text data value keys and of header keys, next to `DataValue.Field` raw values.
private let followupIndex = 10
private let deletedIndex = 11
private let dataValuesIndex = 5
private let unknownIndex = -1

private struct DecodeState: Sendable {
    var phase = Phase.start
    var pending = unknownIndex
    var skipDepth = 0
    var skipReturn = Phase.topKey
    var current = DataValue()
    var header = DataValueSetHeader()
    var valueCount = 0
    var keyScratch: [UInt8] = []
}

private struct DecoderSink: JSONEventSink {
    var state: DecodeState
    let body: (DataValue) throws -> Void

    func schemaError(_ offset: Int, _ message: String) -> JSONStreamError {
        JSONStreamError(.invalidDataValueSet, at: offset, message)
    }

    mutating func enterSkip(returningTo phase: Phase) {
        state.skipDepth = 1
        state.skipReturn = phase
        state.phase = .skip
    }

    mutating func startObject(at offset: Int) throws {
        switch state.phase {
        case .inArray:
            state.current.reset()
            state.phase = .valueKey
        case .start:
            state.phase = .topKey
        case .skip:
            state.skipDepth += 1
        case .topValue where state.pending == unknownIndex:
            enterSkip(returningTo: .topKey)
        case .valueField where state.pending == unknownIndex:
            enterSkip(returningTo: .valueKey)
        case .topValue, .valueField:
            throw schemaError(offset, "an object where a text, boolean or dataValues array was expected")
        default:
            throw schemaError(offset, "unexpected object")
        }
    }

    mutating func startArray(at offset: Int) throws {
        switch state.phase {
        case .topValue where state.pending == dataValuesIndex:
            state.phase = .inArray
        case .topValue where state.pending == unknownIndex:
            enterSkip(returningTo: .topKey)
        case .valueField where state.pending == unknownIndex:
            enterSkip(returningTo: .valueKey)
        case .skip:
            state.skipDepth += 1
        case .start:
            throw schemaError(offset, "the top-level value is not an object")
        case .inArray:
            throw schemaError(offset, "a dataValues element is not an object")
        default:
            throw schemaError(offset, "an array where a text or boolean was expected")
        }
    }

    mutating func endObject(at offset: Int) throws {
        switch state.phase {
        case .valueKey:
            state.valueCount += 1
            state.phase = .inArray
            try body(state.current)
        case .topKey:
            state.phase = .end
        case .skip:
            leaveContainer()
        default:
            throw schemaError(offset, "unexpected end of object")
        }
    }

    mutating func endArray(at offset: Int) throws {
        switch state.phase {
        case .inArray:
            state.phase = .topKey
        case .skip:
            leaveContainer()
        default:
            throw schemaError(offset, "unexpected end of array")
        }
    }

    mutating func leaveContainer() {
        state.skipDepth -= 1
        if state.skipDepth == 0 { state.phase = state.skipReturn }
    }

    mutating func key(_ key: JSONText, at offset: Int) throws {
        switch state.phase {
        case .valueKey:
            state.pending = keyIndex(key, DecoderSink.valueKeyIndex)
            state.phase = .valueField
        case .topKey:
            state.pending = keyIndex(key, DecoderSink.headerKeyIndex)
            state.phase = .topValue
        default:
            break  // keys inside skipped containers
        }
    }

    mutating func keyIndex(_ key: JSONText, _ lookup: (UnsafeRawBufferPointer) -> Int) -> Int {
        if !key.hasEscapes { return lookup(key.rawBytes) }
        state.keyScratch.removeAll(keepingCapacity: true)
        key.decode(appendingTo: &state.keyScratch)
        return state.keyScratch.withUnsafeBytes { lookup($0) }
    }

    /// A scalar value: a string or number (`text`), a boolean (`literal` and `flag`), or null (all nil).
    mutating func scalar(text: JSONText?, literal: StaticString?, flag: Bool?, at offset: Int) throws {
        switch state.phase {
        case .valueField:
            let index = state.pending
            state.phase = .valueKey
            if index >= 0 && index < DataValue.fieldCount {
                if let text {
                    state.current.setText(index, text)
                } else if let literal {
                    state.current.setBytes(
                        index,
                        UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount),
                        mayNeedEscaping: false
                    )
                } else {
                    state.current.setAbsent(index)
                }
            } else if index == followupIndex || index == deletedIndex {
                var value = flag
                if let text {
                    if text.decodedEquals("true") {
                        value = true
                    } else if text.decodedEquals("false") {
                        value = false
                    } else {
                        throw schemaError(offset, "followup and deleted must be booleans")
                    }
                }
                if index == followupIndex {
                    state.current.followup = value
                } else {
                    state.current.deleted = value
                }
            }
        case .topValue:
            let index = state.pending
            state.phase = .topKey
            let string = text.map { $0.decodedString() } ?? literal.map { $0.description }
            switch index {
            case 0: state.header.dataSet = string
            case 1: state.header.completeDate = string
            case 2: state.header.period = string
            case 3: state.header.orgUnit = string
            case 4: state.header.attributeOptionCombo = string
            case dataValuesIndex:
                // DHIS2 reads "dataValues": null as an empty list.
                guard text == nil && literal == nil else { throw schemaError(offset, "dataValues is not an array") }
            default: break
            }
        case .skip:
            break
        case .inArray:
            throw schemaError(offset, "a dataValues element is not an object")
        default:
            throw schemaError(offset, "the top-level value is not an object")
        }
    }

    mutating func string(_ value: JSONText, at offset: Int) throws {
        if state.phase == .skip { return }
        try scalar(text: value, literal: nil, flag: nil, at: offset)
    }

    mutating func number(_ value: JSONText, at offset: Int) throws {
        if state.phase == .skip { return }
        if state.phase == .valueField && (state.pending == followupIndex || state.pending == deletedIndex) {
            throw schemaError(offset, "followup and deleted must be booleans")
        }
        try scalar(text: value, literal: nil, flag: nil, at: offset)
    }

    mutating func bool(_ value: Bool, at offset: Int) throws {
        if state.phase == .skip { return }
        try scalar(text: nil, literal: value ? "true" : "false", flag: value, at: offset)
    }

    mutating func null(at offset: Int) throws {
        if state.phase == .skip { return }
        try scalar(text: nil, literal: nil, flag: nil, at: offset)
    }

    /// Index of a data value key: a `DataValue.Field` raw value, followup, deleted or unknown.
    static func valueKeyIndex(_ key: UnsafeRawBufferPointer) -> Int {
        let candidate: (StaticString, Int)
        switch key.count {
        case 5: candidate = ("value", DataValue.Field.value.rawValue)
        case 6: candidate = ("period", DataValue.Field.period.rawValue)
        case 7:
            switch key[0] {
            case UInt8(ascii: "o"): candidate = ("orgUnit", DataValue.Field.orgUnit.rawValue)
            case UInt8(ascii: "d"): candidate = ("deleted", deletedIndex)
            default:
                guard key[0] == UInt8(ascii: "c") else { return unknownIndex }
                candidate =
                    key[1] == UInt8(ascii: "r")
                    ? ("created", DataValue.Field.created.rawValue) : ("comment", DataValue.Field.comment.rawValue)
            }
        case 8:
            candidate =
                key[0] == UInt8(ascii: "s")
                ? ("storedBy", DataValue.Field.storedBy.rawValue) : ("followup", followupIndex)
        case 11:
            candidate =
                key[0] == UInt8(ascii: "d")
                ? ("dataElement", DataValue.Field.dataElement.rawValue)
                : ("lastUpdated", DataValue.Field.lastUpdated.rawValue)
        case 19: candidate = ("categoryOptionCombo", DataValue.Field.categoryOptionCombo.rawValue)
        case 20: candidate = ("attributeOptionCombo", DataValue.Field.attributeOptionCombo.rawValue)
        default: return unknownIndex
        }
        return bytesEqual(key, candidate.0) ? candidate.1 : unknownIndex
    }

    /// Index of a top-level key: 0...4 header fields, `dataValuesIndex`, or unknown.
    static func headerKeyIndex(_ key: UnsafeRawBufferPointer) -> Int {
        let candidate: (StaticString, Int)
        switch key.count {
        case 10: candidate = ("dataValues", dataValuesIndex)
        case 7: candidate = key[0] == UInt8(ascii: "d") ? ("dataSet", 0) : ("orgUnit", 3)
        case 12: candidate = ("completeDate", 1)
        case 6: candidate = ("period", 2)
        case 20: candidate = ("attributeOptionCombo", 4)
        default: return unknownIndex
        }
        return bytesEqual(key, candidate.0) ? candidate.1 : unknownIndex
    }
}

/// Whether `bytes` equals the ASCII `literal` (lengths already known to match or checked here).
@inline(__always)
private func bytesEqual(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard bytes.count == count else { return false }
    let left = bytes.baseAddress!
    let right = UnsafeRawPointer(literal.utf8Start)
    var index = 0
    while index + 8 <= count {
        if left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            != right.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        {
            return false
        }
        index += 8
    }
    while index < count {
        if left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) {
            return false
        }
        index += 1
    }
    return true
}
