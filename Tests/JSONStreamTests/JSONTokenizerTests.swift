import JSONStream
import Testing

/// Documents that exercise every place a chunk boundary can fall.
let splitCorpus: [String] = [
    #"{"dataValues":[{"dataElement":"f7n9E0hX8qk","value":"12","comment":null,"followup":false}]}"#,
    #"[1,-0,0.5,-12.75e+3,1E-7,123456789012345678901234567890,0e0]"#,
    #"["\"\\\/\b\f\n\r\t","\u0041\u00e9\u20AC","\ud83d\ude00x","\uD834\uDD1E"]"#,
    "[\"é\",\"€\",\"😀\",\"中文\",\"\u{7F}\"]",
    #"{"a":{"b":[true,false,null,{"c":[]},{}]},"":""}"#,
    " \n\t\r[ 1 , \"x\" , { \"k\" : \"v\" } ] \n ",
    "12345",
    "-0.5e-10",
    "\"top-level string with \\u00e9scape\"",
    "true",
    "null",
    #"{"k":"a long string value that is longer than eight bytes, to go through the word-at-a-time path"}"#,
    #"[[[[[[[[[[["deep"]]]]]]]]]]]"#,
    // Invalid documents must fail the same way, at the same offset, wherever they are cut.
    #"["abc\x"]"#,
    #"["\ud800\u0041"]"#,
    #"["\udc00"]"#,
    #"["\u12G4"]"#,
    #"[1.]"#,
    #"[1e+]"#,
    #"[-]"#,
    #"[01]"#,
    #"[1-2]"#,
    #"[tru]"#,
    #"[trux]"#,
    #"[nulL]"#,
    #"[1,]"#,
    #"{"a" 1}"#,
    #"[1] x"#,
    #"{"dataValues":[{"dataElement":"abc""#,
    #"{"a":tr"#,
    #"[12"#,
    #"["\u00"#,
    #"["abc\"#,
    "[\"\u{01}\"]",
]

/// Invalid UTF-8 can't live in a Swift string literal.
let invalidUTF8Corpus: [[UInt8]] = [
    [0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D],  // overlong
    [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D],  // encoded surrogate
    [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D],  // above U+10FFFF
    [0x5B, 0x22, 0xE2, 0x82, 0x22, 0x5D],  // truncated sequence
    [0x5B, 0x22, 0x80, 0x22, 0x5D],  // lone continuation
    [0x5B, 0x22, 0x61, 0xF0, 0x9F, 0x98, 0x22, 0x5D],  // 4-byte cut short
    [0x5B, 0x22, 0xFF, 0x22, 0x5D],
]

@Suite("JSONTokenizer")
struct JSONTokenizerTests {
    @Test("emits events with byte offsets")
    func eventsAndOffsets() {
        let outcome = tokenize(#"{"a": [1, "x\n", true, null]}"#)
        #expect(outcome.error == nil)
        #expect(
            outcome.events == [
                .startObject(0), .key(Array("a".utf8), escaped: false, 1), .startArray(6), .number("1", 7),
                .string(Array(#"x\n"#.utf8), escaped: true, 10), .bool(true, 17), .null(23), .endArray(27),
                .endObject(28),
            ]
        )
        #expect(outcome.decoded == ["a", "x\n"])
    }

    @Test("every two-way split gives the one-shot events", arguments: splitCorpus.indices)
    func everySplitPoint(index: Int) {
        let bytes = Array(splitCorpus[index].utf8)
        checkAllSplits(bytes)
    }

    @Test("every split of invalid UTF-8 fails the same way", arguments: invalidUTF8Corpus.indices)
    func everySplitInvalidUTF8(index: Int) {
        let bytes = invalidUTF8Corpus[index]
        let outcome = tokenize(bytes)
        #expect(outcome.error?.code == .invalidUTF8)
        checkAllSplits(bytes)
    }

    func checkAllSplits(_ bytes: [UInt8]) {
        let whole = tokenize(bytes)
        for cut in 0...bytes.count {
            let split = tokenize(bytes, cuts: [cut])
            #expect(split == whole, "cut at \(cut): \(split) vs \(whole)")
        }
        #expect(tokenize(bytes, cuts: evenCuts(bytes.count, size: 1)) == whole)
        if bytes.count <= 80 {
            for first in 1..<max(bytes.count, 1) {
                for second in first..<bytes.count {
                    let split = tokenize(bytes, cuts: [first, second])
                    #expect(split == whole, "cuts at \(first), \(second)")
                }
            }
        }
    }

    @Test("random chunkings of a large document match one-shot")
    func randomChunkings() {
        var rng = SeededGenerator(seed: 7)
        var text = "["
        for index in 0..<2000 {
            if index > 0 { text += "," }
            text += #"{"i":\#(index),"s":"v\#(index)\u00e9\"q\" é😀","f":-\#(index).5e-3,"b":[true,false,null]}"#
        }
        text += "]"
        let bytes = Array(text.utf8)
        let whole = tokenize(bytes)
        #expect(whole.error == nil)
        for _ in 0..<20 {
            let cuts = randomCuts(bytes.count, using: &rng)
            #expect(tokenize(bytes, cuts: cuts) == whole)
        }
    }

    @Test("a truncated document is an error from finish, at the end offset")
    func truncation() {
        let document = #"{"dataValues":[{"dataElement":"f7n9E0hX8qk","value":"12"}]}"#
        let bytes = Array(document.utf8)
        for length in 0..<bytes.count {
            let outcome = tokenize(Array(bytes[0..<length]))
            #expect(outcome.error?.code == .unexpectedEndOfInput, "length \(length)")
            #expect(outcome.error?.byteOffset == length)
        }
        #expect(tokenize(bytes).error == nil)
    }

    @Test("depth limit")
    func depthLimit() {
        let limits = JSONTokenizer.Limits(maxDepth: 3)
        #expect(tokenize("[[[1]]]", limits: limits).error == nil)
        let outcome = tokenize("[[[[1]]]]", limits: limits)
        #expect(outcome.error == JSONStreamError(.depthLimitExceeded, at: 3))
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(tokenize(deep).error?.code == .depthLimitExceeded)
    }

    @Test("token length limit, whole and chunked")
    func tokenLimit() {
        let limits = JSONTokenizer.Limits(maxTokenBytes: 8)
        #expect(tokenize(#"["12345678"]"#, limits: limits).error == nil)
        #expect(tokenize("[12345678]", limits: limits).error == nil)
        let long = #"["123456789"]"#
        #expect(tokenize(long, limits: limits).error == JSONStreamError(.tokenTooLong, at: 1))
        for cut in 0...long.utf8.count {
            #expect(tokenize(long, cuts: [cut], limits: limits).error == JSONStreamError(.tokenTooLong, at: 1))
        }
        let number = "[123456789]"
        for cut in 0...number.utf8.count {
            #expect(tokenize(number, cuts: [cut], limits: limits).error == JSONStreamError(.tokenTooLong, at: 1))
        }
        // An unterminated string that outgrows the limit fails while streaming, not only at finish.
        var tokenizer = JSONTokenizer(limits: limits)
        var sink = RecordingSink()
        #expect(throws: JSONStreamError(.tokenTooLong, at: 1)) {
            try tokenizer.feed(Array(#"["12345"#.utf8), into: &sink)
            try tokenizer.feed(Array("6789".utf8), into: &sink)
        }
    }

    @Test("errors are sticky and feeding after finish is refused")
    func stickyErrors() throws {
        var tokenizer = JSONTokenizer()
        var sink = RecordingSink()
        #expect(throws: JSONStreamError(.unexpectedCharacter, at: 1)) {
            try tokenizer.feed(Array("[}".utf8), into: &sink)
        }
        #expect(throws: JSONStreamError(.unexpectedCharacter, at: 1)) {
            try tokenizer.feed(Array("]".utf8), into: &sink)
        }
        #expect(throws: JSONStreamError(.unexpectedCharacter, at: 1)) {
            try tokenizer.finish(into: &sink)
        }

        var done = JSONTokenizer()
        try done.feed(Array("[]".utf8), into: &sink)
        #expect(done.isComplete)
        try done.finish(into: &sink)
        try done.finish(into: &sink)
        #expect(throws: JSONStreamError(.feedAfterFinish, at: 2)) {
            try done.feed(Array(" ".utf8), into: &sink)
        }
    }

    @Test("a sink error stops the tokenizer")
    func sinkErrors() {
        struct Stop: Error, Equatable {}
        struct FailingSink: JSONEventSink {
            mutating func startObject(at offset: Int) throws {}
            mutating func endObject(at offset: Int) throws {}
            mutating func startArray(at offset: Int) throws {}
            mutating func endArray(at offset: Int) throws {}
            mutating func key(_ key: JSONText, at offset: Int) throws {}
            mutating func string(_ value: JSONText, at offset: Int) throws {}
            mutating func number(_ value: JSONText, at offset: Int) throws { throw Stop() }
            mutating func bool(_ value: Bool, at offset: Int) throws {}
            mutating func null(at offset: Int) throws {}
        }
        var tokenizer = JSONTokenizer()
        var sink = FailingSink()
        #expect(throws: Stop()) { try tokenizer.feed(Array("[1,".utf8), into: &sink) }
        #expect(throws: Stop()) { try tokenizer.feed(Array("2]".utf8), into: &sink) }
    }

    @Test("a top-level number is only finished by finish()")
    func topLevelNumber() throws {
        var tokenizer = JSONTokenizer()
        var sink = RecordingSink()
        try tokenizer.feed(Array("12".utf8), into: &sink)
        try tokenizer.feed(Array("34".utf8), into: &sink)
        #expect(sink.events.isEmpty)
        #expect(!tokenizer.isComplete)
        try tokenizer.finish(into: &sink)
        #expect(sink.events == [.number("1234", 0)])
    }

    @Test("bytes, depth and completion are tracked")
    func progress() throws {
        var tokenizer = JSONTokenizer()
        var sink = RecordingSink()
        try tokenizer.feed(Array(#"{"a":[1,"#.utf8), into: &sink)
        #expect(tokenizer.bytesConsumed == 8)
        #expect(tokenizer.depth == 2)
        try tokenizer.feed(Array("2]}".utf8), into: &sink)
        #expect(tokenizer.depth == 0)
        #expect(tokenizer.isComplete)
    }
}
