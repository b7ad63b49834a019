import Foundation
import JSONStream

/// One tokenizer event, with owned copies of the text.
enum Event: Hashable, CustomStringConvertible {
    case startObject(Int)
    case endObject(Int)
    case startArray(Int)
    case endArray(Int)
    case key([UInt8], escaped: Bool, Int)
    case string([UInt8], escaped: Bool, Int)
    case number(String, Int)
    case bool(Bool, Int)
    case null(Int)

    var description: String {
        switch self {
        case .startObject(let at): "{@\(at)"
        case .endObject(let at): "}@\(at)"
        case .startArray(let at): "[@\(at)"
        case .endArray(let at): "]@\(at)"
        case .key(let bytes, let escaped, let at): "key(\(String(decoding: bytes, as: UTF8.self)),\(escaped))@\(at)"
        case .string(let bytes, let escaped, let at): "str(\(String(decoding: bytes, as: UTF8.self)),\(escaped))@\(at)"
        case .number(let text, let at): "num(\(text))@\(at)"
        case .bool(let value, let at): "\(value)@\(at)"
        case .null(let at): "null@\(at)"
        }
    }
}

struct RecordingSink: JSONEventSink {
    var events: [Event] = []
    /// Decoded form of every string and key, to check unescaping on the way.
    var decoded: [String] = []

    mutating func startObject(at offset: Int) { events.append(.startObject(offset)) }
    mutating func endObject(at offset: Int) { events.append(.endObject(offset)) }
    mutating func startArray(at offset: Int) { events.append(.startArray(offset)) }
    mutating func endArray(at offset: Int) { events.append(.endArray(offset)) }
    mutating func key(_ key: JSONText, at offset: Int) {
        events.append(.key(Array(key.rawBytes), escaped: key.hasEscapes, offset))
        decoded.append(key.decodedString())
    }
    mutating func string(_ value: JSONText, at offset: Int) {
        events.append(.string(Array(value.rawBytes), escaped: value.hasEscapes, offset))
        decoded.append(value.decodedString())
    }
    mutating func number(_ value: JSONText, at offset: Int) {
        events.append(.number(String(decoding: value.rawBytes, as: UTF8.self), offset))
    }
    mutating func bool(_ value: Bool, at offset: Int) { events.append(.bool(value, offset)) }
    mutating func null(at offset: Int) { events.append(.null(offset)) }
}

/// Events and the error (if any) from tokenizing `bytes` cut at `cuts` (sorted offsets).
struct Outcome: Equatable, CustomStringConvertible {
    var events: [Event]
    var decoded: [String]
    var error: JSONStreamError?

    var description: String {
        "\(events.map(\.description).joined(separator: " ")) error=\(error.map(\.description) ?? "none")"
    }
}

func tokenize(
    _ bytes: [UInt8],
    cuts: [Int] = [],
    limits: JSONTokenizer.Limits = JSONTokenizer.Limits()
) -> Outcome {
    var tokenizer = JSONTokenizer(limits: limits)
    var sink = RecordingSink()
    var error: JSONStreamError?
    do {
        var start = 0
        for cut in cuts + [bytes.count] {
            // Copy each chunk so a token read from a finished chunk would show up as garbage.
            let chunk = Array(bytes[start..<cut])
            try tokenizer.feed(chunk, into: &sink)
            start = cut
        }
        try tokenizer.finish(into: &sink)
    } catch let caught as JSONStreamError {
        error = caught
    } catch {
        fatalError("unexpected error \(error)")
    }
    return Outcome(events: sink.events, decoded: sink.decoded, error: error)
}

func tokenize(_ text: String, cuts: [Int] = [], limits: JSONTokenizer.Limits = JSONTokenizer.Limits()) -> Outcome {
    tokenize(Array(text.utf8), cuts: cuts, limits: limits)
}

/// Cut points for chunks of `size` bytes.
func evenCuts(_ count: Int, size: Int) -> [Int] {
    Array(stride(from: size, to: count, by: size))
}

/// Deterministic generator so failures reproduce (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random cut points: mostly tiny chunks, sometimes large ones.
func randomCuts(_ count: Int, using rng: inout SeededGenerator) -> [Int] {
    var cuts: [Int] = []
    var position = 0
    let style = Int.random(in: 0..<3, using: &rng)
    while true {
        let step: Int
        switch style {
        case 0: step = Int.random(in: 1...4, using: &rng)
        case 1: step = Int.random(in: 1...64, using: &rng)
        default: step = Int.random(in: 1...4096, using: &rng)
        }
        position += step
        if position >= count { break }
        cuts.append(position)
    }
    return cuts
}

/// Decodes with the given cuts.
func decodeDataValues(
    _ bytes: [UInt8],
    cuts: [Int] = []
) throws -> (header: DataValueSetHeader, values: [DataValue]) {
    var decoder = DataValueSetDecoder()
    var values: [DataValue] = []
    var start = 0
    for cut in cuts + [bytes.count] {
        try decoder.feed(Array(bytes[start..<cut])) { values.append($0) }
        start = cut
    }
    let header = try decoder.finish()
    return (header, values)
}

/// Directory of the dhis2-core fixture files (`DHIS2_FIXTURES` or `../shared/fixtures/dhis2-core` next to the repo).
let fixturesDirectory: URL = {
    if let path = ProcessInfo.processInfo.environment["DHIS2_FIXTURES"] {
        return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/dhis2-core")
}()

/// In CI the fixtures are always beside the clone: there a missing folder must fail the tests, not skip them.
let fixturesAvailable =
    FileManager.default.fileExists(atPath: fixturesDirectory.path)
    || ProcessInfo.processInfo.environment["CI"] == "true"

func fixture(_ relativePath: String) throws -> [UInt8] {
    Array(try Data(contentsOf: fixturesDirectory.appendingPathComponent(relativePath)))
}

/// How Foundation reads a data value set: the reference the decoder is compared with.
func foundationDataValues(_ bytes: [UInt8]) throws -> (header: DataValueSetHeader, values: [DataValue]) {
    let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    guard let top = object as? [String: Any] else { throw JSONStreamError(.invalidDataValueSet, at: 0) }
    func text(_ any: Any?) -> String? {
        switch any {
        case let string as String: string
        default: nil
        }
    }
    func flag(_ any: Any?) -> Bool? {
        guard let any, !(any is NSNull) else { return nil }
        return any as? Bool
    }
    let header = DataValueSetHeader(
        dataSet: text(top["dataSet"]),
        completeDate: text(top["completeDate"]),
        period: text(top["period"]),
        orgUnit: text(top["orgUnit"]),
        attributeOptionCombo: text(top["attributeOptionCombo"])
    )
    let list = top["dataValues"] as? [[String: Any]] ?? []
    let values = list.map { entry in
        DataValue(
            dataElement: text(entry["dataElement"]),
            period: text(entry["period"]),
            orgUnit: text(entry["orgUnit"]),
            categoryOptionCombo: text(entry["categoryOptionCombo"]),
            attributeOptionCombo: text(entry["attributeOptionCombo"]),
            value: text(entry["value"]),
            storedBy: text(entry["storedBy"]),
            created: text(entry["created"]),
            lastUpdated: text(entry["lastUpdated"]),
            comment: text(entry["comment"]),
            followup: flag(entry["followup"]),
            deleted: flag(entry["deleted"])
        )
    }
    return (header, values)
}
