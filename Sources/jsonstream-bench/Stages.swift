import JSONStream

/// Counts events and touches their bytes, so the tokenizer's work cannot be optimized away.
struct CountingSink: JSONEventSink {
    var events = 0
    var textBytes = 0

    mutating func startObject(at offset: Int) { events += 1 }
    mutating func endObject(at offset: Int) { events += 1 }
    mutating func startArray(at offset: Int) { events += 1 }
    mutating func endArray(at offset: Int) { events += 1 }
    mutating func key(_ key: JSONText, at offset: Int) {
        events += 1
        textBytes &+= key.rawBytes.count
    }
    mutating func string(_ value: JSONText, at offset: Int) {
        events += 1
        textBytes &+= value.rawBytes.count
    }
    mutating func number(_ value: JSONText, at offset: Int) {
        events += 1
        textBytes &+= value.rawBytes.count
    }
    mutating func bool(_ value: Bool, at offset: Int) { events += 1 }
    mutating func null(at offset: Int) { events += 1 }
}

/// Feeds `input` in chunks of `chunkSize`, like bytes arriving from the network.
func forEachChunk(_ input: [UInt8], _ chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    try input.withUnsafeBytes { all in
        var start = 0
        while start < all.count {
            let end = min(start + chunkSize, all.count)
            try body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
            start = end
        }
    }
}

func tokenizeAll(_ input: [UInt8], chunkSize: Int) throws -> CountingSink {
    var tokenizer = JSONTokenizer()
    var sink = CountingSink()
    try forEachChunk(input, chunkSize) { try tokenizer.feed($0, into: &sink) }
    try tokenizer.finish(into: &sink)
    return sink
}

/// Decodes without keeping values (the streaming case): returns the value count and a checksum.
func decodeAll(_ input: [UInt8], chunkSize: Int) throws -> (values: Int, checksum: Int) {
    var decoder = DataValueSetDecoder()
    var values = 0
    var checksum = 0
    try forEachChunk(input, chunkSize) { chunk in
        try decoder.feed(chunk) { value in
            values += 1
            if value.deleted == true { checksum += 1 }
            if value.followup == true { checksum += 2 }
        }
    }
    try decoder.finish()
    return (values, checksum)
}

func decodeKeeping(_ input: [UInt8], chunkSize: Int) throws -> [DataValue] {
    var decoder = DataValueSetDecoder()
    var values: [DataValue] = []
    try forEachChunk(input, chunkSize) { chunk in try decoder.feed(chunk) { values.append($0) } }
    try decoder.finish()
    return values
}

/// Writes all values as an import payload, draining 64 KiB chunks. Returns the bytes written.
func writeAll(_ values: [DataValue]) -> Int {
    var writer = DataValueSetWriter(header: DataValueSetHeader(dataSet: "pBOMPrpg1QX"))
    var total = 0
    var checksum: UInt8 = 0
    for value in values {
        writer.append(value)
        if writer.isChunkReady {
            writer.drain { chunk in
                total += chunk.count
                checksum &+= chunk[chunk.count - 1]
            }
        }
    }
    writer.finish()
    writer.drain { total += $0.count }
    return total + Int(checksum & 0)
}
