// libFuzzer target for the JSONStream module, compiled together with its sources by scripts/fuzz-jsonstream.
//
// For every input it checks that
//  1. tokenizing in one piece, in two pieces cut at an input-derived point, and in small input-derived chunks
//     gives the same events and the same error (code and offset);
//  2. the DataValue decoder gives the same values, header and error at both chunkings;
//  3. decoded values written back with the writer decode to the same values and header;
//  4. values built from arbitrary input text survive writer → decoder unchanged.
// A mismatch aborts, which libFuzzer reports as a crash and saves the input.

private enum FuzzEvent: Equatable {
    case startObject(Int)
    case endObject(Int)
    case startArray(Int)
    case endArray(Int)
    case key([UInt8], Bool, Int, String)
    case string([UInt8], Bool, Int, String)
    case number([UInt8], Int)
    case bool(Bool, Int)
    case null(Int)
}

private struct FuzzSink: JSONEventSink {
    var events: [FuzzEvent] = []
    mutating func startObject(at offset: Int) { events.append(.startObject(offset)) }
    mutating func endObject(at offset: Int) { events.append(.endObject(offset)) }
    mutating func startArray(at offset: Int) { events.append(.startArray(offset)) }
    mutating func endArray(at offset: Int) { events.append(.endArray(offset)) }
    mutating func key(_ key: JSONText, at offset: Int) {
        events.append(.key(Array(key.rawBytes), key.hasEscapes, offset, key.decodedString()))
    }
    mutating func string(_ value: JSONText, at offset: Int) {
        events.append(.string(Array(value.rawBytes), value.hasEscapes, offset, value.decodedString()))
    }
    mutating func number(_ value: JSONText, at offset: Int) { events.append(.number(Array(value.rawBytes), offset)) }
    mutating func bool(_ value: Bool, at offset: Int) { events.append(.bool(value, offset)) }
    mutating func null(at offset: Int) { events.append(.null(offset)) }
}

private func chunks(_ bytes: [UInt8], _ cuts: [Int]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var start = 0
    for cut in cuts + [bytes.count] where cut >= start && cut <= bytes.count {
        result.append(Array(bytes[start..<cut]))
        start = cut
    }
    return result
}

private func tokenize(_ bytes: [UInt8], _ cuts: [Int]) -> ([FuzzEvent], JSONStreamError?) {
    var tokenizer = JSONTokenizer()
    var sink = FuzzSink()
    do {
        for chunk in chunks(bytes, cuts) { try tokenizer.feed(chunk, into: &sink) }
        try tokenizer.finish(into: &sink)
        return (sink.events, nil)
    } catch {
        return (sink.events, error as? JSONStreamError)
    }
}

private func decode(_ bytes: [UInt8], _ cuts: [Int]) -> ([DataValue], DataValueSetHeader?, JSONStreamError?) {
    var decoder = DataValueSetDecoder()
    var values: [DataValue] = []
    do {
        for chunk in chunks(bytes, cuts) { try decoder.feed(chunk) { values.append($0) } }
        return (values, try decoder.finish(), nil)
    } catch {
        return (values, nil, error as? JSONStreamError)
    }
}

private func require(_ condition: Bool, _ what: String, _ bytes: [UInt8]) {
    if !condition {
        print("JSONStream fuzz mismatch: \(what); input \(bytes.count) bytes")
        fatalError(what)
    }
}

/// FNV-1a, so cut points are a pure function of the input.
private func digest(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return hash
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let hash = digest(bytes)
    let cut = Int(hash % UInt64(size + 1))
    let step = Int((hash >> 32) % 7) + 1
    let smallCuts = Array(stride(from: step, to: size, by: step))

    // 1. Tokenizer: chunking must not matter.
    let whole = tokenize(bytes, [])
    let split = tokenize(bytes, [cut])
    let small = tokenize(bytes, smallCuts)
    require(whole.0 == split.0 && whole.1 == split.1, "tokenizer two-piece mismatch at \(cut)", bytes)
    require(whole.0 == small.0 && whole.1 == small.1, "tokenizer small-chunk mismatch, step \(step)", bytes)

    // 2. Decoder: chunking must not matter.
    let decoded = decode(bytes, [])
    let decodedSplit = decode(bytes, smallCuts)
    require(
        decoded.0 == decodedSplit.0 && decoded.1 == decodedSplit.1 && decoded.2 == decodedSplit.2,
        "decoder chunking mismatch",
        bytes
    )
    if whole.1 != nil { require(decoded.2 != nil, "decoder accepted what the tokenizer rejected", bytes) }

    // 3. Writer round trip of whatever decoded.
    if let header = decoded.1 {
        let written = DataValueSetWriter.encode(decoded.0, header: header)
        let reread = decode(written, [cut % (written.count + 1)])
        require(reread.2 == nil, "writer output does not decode: \(String(describing: reread.2))", bytes)
        require(reread.0 == decoded.0 && reread.1 == header, "writer round trip changed values", bytes)
    }

    // 4. Arbitrary text in every field (invalid UTF-8 is repaired by String first).
    var value = DataValue()
    var fieldIndex = 0
    for piece in bytes.split(separator: 0xFE, omittingEmptySubsequences: false) {
        let field = DataValue.Field(rawValue: fieldIndex % DataValue.Field.allCases.count)!
        value[field] = piece.first == 0xFD ? nil : String(decoding: piece, as: UTF8.self)
        fieldIndex += 1
    }
    value.followup = hash & 3 == 0 ? nil : hash & 1 == 1
    value.deleted = hash & 12 == 0 ? nil : hash & 4 == 4
    let header = DataValueSetHeader(dataSet: value.comment, period: value.value)
    var writer = DataValueSetWriter(header: header, chunkSize: 1 + Int(hash % 64))
    var output: [UInt8] = []
    for _ in 0..<3 {
        writer.append(value)
        if writer.isChunkReady { writer.drain { output.append(contentsOf: $0) } }
    }
    writer.finish()
    output += writer.takeChunk() ?? []
    let roundTrip = decode(output, smallCuts)
    require(roundTrip.2 == nil, "writer output of arbitrary text does not decode", bytes)
    require(roundTrip.0 == [value, value, value] && roundTrip.1 == header, "arbitrary text changed", bytes)
    return 0
}
