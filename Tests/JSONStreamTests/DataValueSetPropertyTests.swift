import Foundation
import JSONStream
import Testing

/// Random `dataValueSets` documents written by hand-rolled JSON (not by the writer under test).
struct ExportDocumentGenerator {
    var rng: SeededGenerator

    static let textKeys = DataValue.Field.allCases.map(\.key)
    static let alphabet = Array("abcXYZ019 -_:+./")
    static let exotic: [String] = ["é", "ü", "€", "中", "😀", "\u{7F}", "\u{FFFD}", "\u{10FFFF}"]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func whitespace() -> String {
        guard chance(20) else { return "" }
        return String((0..<Int.random(in: 1...3, using: &rng)).map { _ in " \n\t\r".randomElement(using: &rng)! })
    }

    /// A random string and its JSON encoding, using every kind of escape.
    mutating func text() -> (value: String, json: String) {
        var value = ""
        var json = "\""
        for _ in 0..<Int.random(in: 0...24, using: &rng) {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<70:
                let character = Self.alphabet.randomElement(using: &rng)!
                value.append(character)
                json.append(character)
            case 70..<78:
                let character = Self.exotic.randomElement(using: &rng)!
                value += character
                json += character
            case 78..<86:
                let pairs: [(String, String)] = [
                    ("\"", #"\""#), ("\\", #"\\"#), ("/", #"\/"#), ("\u{08}", #"\b"#), ("\u{0C}", #"\f"#),
                    ("\n", #"\n"#), ("\r", #"\r"#), ("\t", #"\t"#),
                ]
                let (plain, escaped) = pairs.randomElement(using: &rng)!
                value += plain
                json += escaped
            default:
                // \u escapes, including control characters and surrogate pairs, in either hex case.
                let scalar = [0x00, 0x1F, 0x41, 0xE9, 0x20AC, 0xFFFF, 0x1F600, 0x10FFFF].randomElement(using: &rng)!
                value.unicodeScalars.append(Unicode.Scalar(UInt32(scalar))!)
                let upper = chance(50)
                func hex(_ unit: Int) -> String {
                    let digits = String(unit, radix: 16, uppercase: upper)
                    return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                }
                if scalar >= 0x10000 {
                    let offset = scalar - 0x10000
                    json += hex(0xD800 + offset >> 10) + hex(0xDC00 + offset & 0x3FF)
                } else {
                    json += hex(scalar)
                }
            }
        }
        return (value, json + "\"")
    }

    /// An unknown value of any shape, to be skipped.
    mutating func junk(depth: Int = 0) -> String {
        switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &rng) {
        case 0: return text().json
        case 1: return ["-1.5e3", "0", "42", "1E+2"].randomElement(using: &rng)!
        case 2: return ["true", "false", "null"].randomElement(using: &rng)!
        case 3: return "[]"
        case 4: return "[" + (0..<3).map { _ in junk(depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<2).map { _ in text().json + ":" + junk(depth: depth + 1) }.joined(separator: ",") + "}"
        }
    }

    mutating func member(_ key: String, _ json: String) -> String {
        whitespace() + "\"" + key + "\"" + whitespace() + ":" + whitespace() + json + whitespace()
    }

    mutating func dataValue() -> String {
        var members: [String] = []
        for key in Self.textKeys where chance(85) {
            members.append(member(key, chance(10) ? "null" : text().json))
        }
        for key in ["followup", "deleted"] where chance(60) {
            members.append(member(key, ["true", "false", "null"].randomElement(using: &rng)!))
        }
        if chance(20) { members.append(member("unknown\(Int.random(in: 0..<3, using: &rng))", junk())) }
        if chance(5), let duplicate = Self.textKeys.randomElement(using: &rng) {
            members.append(member(duplicate, text().json))
        }
        members.shuffle(using: &rng)
        return whitespace() + "{" + members.joined(separator: ",") + "}" + whitespace()
    }

    mutating func document() -> String {
        var members: [String] = []
        let count = Int.random(in: 0...(chance(10) ? 200 : 12), using: &rng)
        members.append(member("dataValues", "[" + (0..<count).map { _ in dataValue() }.joined(separator: ",") + "]"))
        for key in ["dataSet", "completeDate", "period", "orgUnit", "attributeOptionCombo"] where chance(40) {
            members.append(member(key, chance(20) ? "null" : text().json))
        }
        if chance(30) { members.append(member("idScheme", junk())) }
        members.shuffle(using: &rng)
        return whitespace() + "{" + members.joined(separator: ",") + "}" + whitespace()
    }
}

@Suite("Property: random exports and chunkings against Foundation")
struct DataValueSetPropertyTests {
    @Test("decoder reads what JSONSerialization reads, at any chunking", arguments: 0..<8)
    func matchesFoundation(seed: Int) throws {
        var generator = ExportDocumentGenerator(rng: SeededGenerator(seed: UInt64(seed) &* 7919 &+ 1))
        var chunking = SeededGenerator(seed: UInt64(seed) &+ 1000)
        for _ in 0..<40 {
            let bytes = Array(generator.document().utf8)
            let reference = try foundationDataValues(bytes)
            let whole = try decodeDataValues(bytes)
            #expect(whole.values == reference.values)
            #expect(whole.header == reference.header)
            for _ in 0..<4 {
                let split = try decodeDataValues(bytes, cuts: randomCuts(bytes.count, using: &chunking))
                #expect(split.values == reference.values)
                #expect(split.header == reference.header)
            }
        }
    }

    @Test("tokenizer events are identical at any chunking of random documents", arguments: 0..<4)
    func tokenizerChunking(seed: Int) {
        var generator = ExportDocumentGenerator(rng: SeededGenerator(seed: UInt64(seed) &+ 77))
        var chunking = SeededGenerator(seed: UInt64(seed) &+ 99)
        for _ in 0..<30 {
            let bytes = Array(generator.document().utf8)
            let whole = tokenize(bytes)
            #expect(whole.error == nil)
            for _ in 0..<4 {
                #expect(tokenize(bytes, cuts: randomCuts(bytes.count, using: &chunking)) == whole)
            }
        }
    }

    @Test("corrupted documents fail identically at any chunking", arguments: 0..<4)
    func corruptedChunking(seed: Int) {
        var generator = ExportDocumentGenerator(rng: SeededGenerator(seed: UInt64(seed) &+ 5))
        var rng = SeededGenerator(seed: UInt64(seed) &+ 55)
        for _ in 0..<40 {
            var bytes = Array(generator.document().utf8)
            // Flip, drop or insert a byte.
            let position = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.remove(at: position)
            default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            }
            let whole = tokenize(bytes)
            for _ in 0..<4 {
                #expect(tokenize(bytes, cuts: randomCuts(bytes.count, using: &rng)) == whole)
            }
            // Foundation and the tokenizer agree on validity.
            let foundationAccepts =
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            #expect(foundationAccepts == (whole.error == nil), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
