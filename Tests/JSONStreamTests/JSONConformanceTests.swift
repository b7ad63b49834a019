import JSONStream
import Testing

/// Accept/reject cases in the spirit of JSONTestSuite (written for this project).
@Suite("RFC 8259 conformance")
struct JSONConformanceTests {
    static let accepted: [String] = [
        "[]", "{}", "[1]", "[-0]", "[-1.5e+10]", "[1E-2]", "[0.0]", "[1e1]", "[0e+0]", "[-9.99E99]",
        "[123456789012345678901234567890]", "[\"\\u0000\"]", "[\"\\ud83d\\ude00\"]", "[\"é\"]", "[\"\u{7F}\"]",
        "[\"\\/\"]", "{\"\":0}", "[\"\\uFFFF\"]", "[\"a\\\"b\"]", "\"x\"", "123", "true", "false", " null ",
        "[[[[]]]]", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "{\"a\":1,\"a\":2}", "[\"\\uDBFF\\uDFFF\"]",
        "[\"\u{10FFFF}\"]", "[\"\u{FFFD}\"]", "\t\n\r [ ] \t\n\r", "[1,\"2\",[3],{\"4\":5},true,false,null]",
    ]

    /// (document, expected code, expected offset)
    static let rejected: [(String, JSONStreamError.Code, Int)] = [
        ("", .unexpectedEndOfInput, 0),
        ("   ", .unexpectedEndOfInput, 3),
        ("[", .unexpectedEndOfInput, 1),
        ("[1,2", .unexpectedEndOfInput, 4),
        ("{\"a\":", .unexpectedEndOfInput, 5),
        ("[1,]", .unexpectedCharacter, 3),
        ("[,1]", .unexpectedCharacter, 1),
        ("[1 2]", .unexpectedCharacter, 3),
        ("{\"a\" 1}", .unexpectedCharacter, 5),
        ("{\"a\":1,}", .unexpectedCharacter, 7),
        ("{\"a\":}", .unexpectedCharacter, 5),
        ("{1:1}", .unexpectedCharacter, 1),
        ("{\"a\":1]", .unexpectedCharacter, 6),
        ("[1}", .unexpectedCharacter, 2),
        ("[01]", .unexpectedCharacter, 2),
        ("[-01]", .unexpectedCharacter, 3),
        ("[0x1]", .unexpectedCharacter, 2),
        ("[-]", .invalidNumber, 2),
        ("[-a]", .invalidNumber, 2),
        ("[1.]", .invalidNumber, 3),
        ("[1.e5]", .invalidNumber, 3),
        ("[.5]", .unexpectedCharacter, 1),
        ("[1e]", .invalidNumber, 3),
        ("[1e+]", .invalidNumber, 4),
        ("[+1]", .unexpectedCharacter, 1),
        ("[NaN]", .unexpectedCharacter, 1),
        ("[Infinity]", .unexpectedCharacter, 1),
        ("[-Infinity]", .invalidNumber, 2),
        ("[tru]", .invalidLiteral, 1),
        ("[True]", .unexpectedCharacter, 1),
        ("[nul", .unexpectedEndOfInput, 4),
        ("[fals", .unexpectedEndOfInput, 5),
        ("[nulx]", .invalidLiteral, 1),
        ("[truex]", .unexpectedCharacter, 5),
        ("['a']", .unexpectedCharacter, 1),
        ("[\"a", .unexpectedEndOfInput, 3),
        ("[\"\u{01}\"]", .controlCharacterInString, 2),
        ("[\"a\nb\"]", .controlCharacterInString, 3),
        ("[\"\\a\"]", .invalidEscape, 2),
        ("[\"\\x41\"]", .invalidEscape, 2),
        ("[\"\\u12G4\"]", .invalidUnicodeEscape, 6),
        ("[\"\\u12\"]", .invalidUnicodeEscape, 6),
        ("[\"\\ud800\"]", .invalidUnicodeEscape, 2),
        ("[\"\\udc00\"]", .invalidUnicodeEscape, 2),
        ("[\"\\ud800\\u0041\"]", .invalidUnicodeEscape, 2),
        ("[\"\\ud800\\n\"]", .invalidUnicodeEscape, 2),
        ("[\"\\ud800\\ud800\"]", .invalidUnicodeEscape, 2),
        ("[1] x", .trailingData, 4),
        ("[1][2]", .trailingData, 3),
        ("{} {}", .trailingData, 3),
        ("1 2", .trailingData, 2),
        ("[1]\u{0C}", .trailingData, 3),
        ("[\u{0C}]", .unexpectedCharacter, 1),
        ("\u{FEFF}[]", .unexpectedCharacter, 0),
        ("[\"a\",]", .unexpectedCharacter, 5),
        ("{\"a\":1 \"b\":2}", .unexpectedCharacter, 7),
        ("]", .unexpectedCharacter, 0),
        (":", .unexpectedCharacter, 0),
    ]

    @Test("accepts valid documents, whole and split", arguments: accepted)
    func accepts(document: String) {
        let whole = tokenize(document)
        #expect(whole.error == nil, "\(document): \(whole)")
        for cut in 0...document.utf8.count {
            #expect(tokenize(document, cuts: [cut]) == whole)
        }
    }

    @Test("rejects invalid documents with code and offset, whole and split", arguments: rejected.indices)
    func rejects(index: Int) {
        let (document, code, offset) = Self.rejected[index]
        let whole = tokenize(document)
        #expect(whole.error == JSONStreamError(code, at: offset), "\(document.debugDescription): \(whole)")
        for cut in 0...document.utf8.count {
            #expect(tokenize(document, cuts: [cut]) == whole, "\(document.debugDescription) cut at \(cut)")
        }
        #expect(tokenize(document, cuts: evenCuts(document.utf8.count, size: 1)) == whole)
    }

    @Test("unescaping matches the escapes")
    func unescaping() {
        let outcome = tokenize(#"["\"\\\/\b\f\n\r\t", "\u0041\u00e9\u20ac\ud83d\ude00", "plain é"]"#)
        #expect(outcome.decoded == ["\"\\/\u{08}\u{0C}\n\r\t", "Aé€😀", "plain é"])
    }

    @Test("error descriptions carry the code and offset, not the content")
    func errorDescription() {
        let error = tokenize(#"["secret\x"]"#).error
        #expect(error?.description == "JSONStreamError.invalidEscape at byte 8: invalid escape sequence in string")
        #expect(error.map { !$0.description.contains("secret") } == true)
    }
}
