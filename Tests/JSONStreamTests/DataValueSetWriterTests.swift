import Foundation
import JSONStream
import Testing

@Suite("DataValueSetWriter")
struct DataValueSetWriterTests {
    static let nasty =
        "q\"uote \\back\\slash /slash " + "\u{00}\u{01}\u{08}\u{09}\u{0A}\u{0B}\u{0C}\u{0D}\u{1F}\u{7F} é€中😀"

    @Test("writes the import shape with header and omits nil fields")
    func shape() {
        let header = DataValueSetHeader(dataSet: "pBOMPrpg1QX", completeDate: "2014-02-03", period: "201401")
        let values = [
            DataValue(dataElement: "f7n9E0hX8qk", categoryOptionCombo: "cocID", value: "1", comment: "comment1"),
            DataValue(dataElement: "x", value: nil, followup: true, deleted: true),
            DataValue(),
        ]
        let output = String(decoding: DataValueSetWriter.encode(values, header: header), as: UTF8.self)
        #expect(
            output == #"{"dataSet":"pBOMPrpg1QX","completeDate":"2014-02-03","period":"201401","dataValues":["#
                + #"{"dataElement":"f7n9E0hX8qk","categoryOptionCombo":"cocID","value":"1","comment":"comment1"},"#
                + #"{"dataElement":"x","followup":true,"deleted":true},{}]}"#
        )
        #expect(String(decoding: DataValueSetWriter.encode([]), as: UTF8.self) == #"{"dataValues":[]}"#)
    }

    @Test("escapes control characters, quotes and backslashes; passes UTF-8 through")
    func escaping() {
        let output = String(decoding: DataValueSetWriter.encode([DataValue(comment: Self.nasty)]), as: UTF8.self)
        #expect(
            output == #"{"dataValues":[{"comment":"q\"uote \\back\\slash /slash \u0000\u0001\b\t\n\u000b\f\r\u001f"#
                + "\u{7F} é€中😀\"}]}"
        )
    }

    @Test("output re-parses to the same values, with the decoder and with Foundation")
    func roundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        let pieces = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{00}", "\u{1F}", "\u{7F}", "é", "€", "😀", "中",
        ]
        func randomText() -> String? {
            if Int.random(in: 0..<10, using: &rng) == 0 { return nil }
            return (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
        }
        var values: [DataValue] = []
        for _ in 0..<500 {
            var value = DataValue()
            for field in DataValue.Field.allCases { value[field] = randomText() }
            value.followup = [true, false, nil].randomElement(using: &rng)!
            value.deleted = [true, false, nil].randomElement(using: &rng)!
            values.append(value)
        }
        let header = DataValueSetHeader(dataSet: randomText(), completeDate: randomText(), period: Self.nasty)
        let bytes = DataValueSetWriter.encode(values, header: header)

        let decoded = try decodeDataValues(bytes, cuts: randomCuts(bytes.count, using: &rng))
        #expect(decoded.values == values)
        #expect(decoded.header == header)
        let foundation = try foundationDataValues(bytes)
        #expect(foundation.values == values)
        #expect(foundation.header == header)
    }

    @Test("decoded values (fast path without escaping) write back byte for byte")
    func decodeWriteIdentity() throws {
        let document =
            #"{"dataValues":[{"dataElement":"a","period":"202401","value":"1","comment":"x\"y","followup":false},"#
            + #"{"dataElement":"b","value":"2","deleted":true}]}"#
        let (_, values) = try DataValueSetDecoder.decode(Array(document.utf8))
        #expect(String(decoding: DataValueSetWriter.encode(values), as: UTF8.self) == document)
    }

    @Test("chunks are handed out once they reach chunkSize and memory is reused")
    func chunking() throws {
        var writer = DataValueSetWriter(chunkSize: 1000)
        var output: [UInt8] = []
        var chunks = 0
        let value = DataValue(dataElement: "f7n9E0hX8qk", period: "201401", orgUnit: "DiszpKrYNg8", value: "12")
        for _ in 0..<1000 {
            writer.append(value)
            #expect(writer.bufferedByteCount < 1000 + 200)
            if writer.isChunkReady {
                writer.drain { output.append(contentsOf: $0) }
                chunks += 1
            }
        }
        #expect(writer.takeChunk() == nil)
        writer.finish()
        #expect(writer.isFinished)
        output += writer.takeChunk() ?? []
        #expect(writer.bufferedByteCount == 0)
        #expect(chunks > 50)
        let decoded = try decodeDataValues(output)
        #expect(decoded.values.count == 1000)
        #expect(writer.valueCount == 1000)
        #expect(decoded.values.allSatisfy { $0 == value })
    }

    @Test("fields can be left out of every value")
    func omitting() {
        var writer = DataValueSetWriter(omitting: [.created, .lastUpdated])
        writer.append(DataValue(dataElement: "a", created: "2024-01-01T00:00:00.000+0000", lastUpdated: "x"))
        writer.finish()
        #expect(String(decoding: writer.takeAll(), as: UTF8.self) == #"{"dataValues":[{"dataElement":"a"}]}"#)
    }
}

@Suite("DataValue")
struct DataValueTests {
    @Test("fields can be set, replaced and cleared")
    func settingFields() {
        var value = DataValue()
        #expect(value.isNil(.orgUnit))
        value.orgUnit = "abc"
        value.orgUnit = "a much longer organisation unit identifier than before"
        value.comment = "c"
        value.orgUnit = nil
        #expect(value.orgUnit == nil)
        #expect(value.comment == "c")
        #expect(value == DataValue(comment: "c"))
        #expect(value.hashValue == DataValue(comment: "c").hashValue)
        #expect(value != DataValue(comment: "c", followup: false))
        #expect(DataValue(value: "") != DataValue())
    }

    @Test("repeated updates do not grow the buffer without bound")
    func compaction() {
        var value = DataValue(dataElement: "de")
        for index in 0..<10_000 {
            value.comment = String(repeating: "x", count: 100) + "\(index)"
        }
        #expect(value.comment == String(repeating: "x", count: 100) + "9999")
        #expect(value.dataElement == "de")
        #expect(value.withUTF8(.comment) { $0?.count } == 104)
    }

    @Test("description lists the set fields")
    func description() {
        #expect(
            DataValue(dataElement: "a", followup: true).description == #"DataValue(dataElement: "a", followup: true)"#
        )
    }

    @Test("number texts convert")
    func numbers() {
        var sink = NumberSink()
        var tokenizer = JSONTokenizer()
        try? tokenizer.feed(
            Array("[0,-12,9223372036854775807,-9223372036854775808,9223372036854775808,1.5,2e3]".utf8),
            into: &sink
        )
        #expect(sink.ints == [0, -12, .max, .min, nil, nil, nil])
        #expect(
            sink.doubles == [
                0, -12, 9_223_372_036_854_775_808, -9_223_372_036_854_775_808, 9_223_372_036_854_775_808, 1.5, 2000,
            ]
        )
    }
}

private struct NumberSink: JSONEventSink {
    var ints: [Int64?] = []
    var doubles: [Double?] = []
    mutating func startObject(at offset: Int) {}
    mutating func endObject(at offset: Int) {}
    mutating func startArray(at offset: Int) {}
    mutating func endArray(at offset: Int) {}
    mutating func key(_ key: JSONText, at offset: Int) {}
    mutating func string(_ value: JSONText, at offset: Int) {}
    mutating func number(_ value: JSONText, at offset: Int) {
        ints.append(value.int64Value)
        doubles.append(value.doubleValue)
    }
    mutating func bool(_ value: Bool, at offset: Int) {}
    mutating func null(at offset: Int) {}
}
