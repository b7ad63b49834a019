/// Builds a realistic DHIS2 2.40 `/api/dataValueSets` export in memory, shaped like the server's streaming
/// writer: compact JSON, keys in the writer's order, explicit `"comment":null`, `+0000` timestamps,
/// about 5% comments (with escapes and non-ASCII text), about 1% `"deleted":true`.
///
/// Per value it only appends to one growing buffer, so it allocates nothing per value (this keeps the
/// allocation probe honest).
struct ExportGenerator {
    private var rng: BenchRandom
    private let dataElements: [[UInt8]]
    private let orgUnits: [[UInt8]]
    private let categoryOptionCombos: [[UInt8]]
    private let periods: [[UInt8]]
    private let users: [[UInt8]]
    private let comments: [[UInt8]]
    private let textValues: [[UInt8]]

    init(seed: UInt64 = 42) {
        var rng = BenchRandom(seed: seed)
        func uids(_ count: Int) -> [[UInt8]] { (0..<count).map { _ in ExportGenerator.uid(&rng) } }
        dataElements = uids(400)
        orgUnits = uids(5000)
        categoryOptionCombos = [Array("HllvX50cXC0".utf8)] + uids(24)
        var periods: [String] = (1...12).map { "2024" + ($0 < 10 ? "0" : "") + String($0) }
        periods += (1...52).map { "2024W\($0)" } + ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024", "2024AprilS1"]
        self.periods = periods.map { Array($0.utf8) }
        users = ["admin", "system", "district_officer_kano", "jdoe", "m.okafor", "nurse-ward-3"].map { Array($0.utf8) }
        // JSON-encoded string literals, quotes included, as Jackson writes them (non-ASCII raw, not escaped).
        comments = [
            #""Checked by \"district\" officer""#,
            #""Stock-out reported;\nre-supply requested""#,
            #""Valeur révisée après vérification — données complètes""#,
            #""Path C:\\reports\\2024\\q1.xlsx""#,
            #""数据已核实 ✓""#,
            #""Tab\tseparated\tnote""#,
            #""Late report 😀 (see SMS)""#,
        ].map { Array($0.utf8) }
        textValues = ["true", "Positive", "12.5", "0.75", "N/A"].map { Array($0.utf8) }
        self.rng = rng
    }

    static func uid(_ rng: inout BenchRandom) -> [UInt8] {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let alphanumerics = letters + Array("0123456789".utf8)
        return [letters[Int(rng.next(letters.count))]]
            + (0..<10).map { _ in alphanumerics[Int(rng.next(alphanumerics.count))] }
    }

    /// Generates values until the document reaches `targetBytes`. Returns the bytes and the value count.
    mutating func generate(targetBytes: Int) -> (bytes: [UInt8], values: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(targetBytes + 4096)
        append(#"{"dataValues":["#, to: &out)
        var count = 0
        while out.count < targetBytes {
            if count > 0 { out.append(UInt8(ascii: ",")) }
            appendValue(to: &out)
            count += 1
        }
        append("]}", to: &out)
        return (out, count)
    }

    /// Generates exactly `values` values.
    mutating func generate(values: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values * 320 + 64)
        append(#"{"dataValues":["#, to: &out)
        for index in 0..<values {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendValue(to: &out)
        }
        append("]}", to: &out)
        return out
    }

    private mutating func appendValue(to out: inout [UInt8]) {
        let hasComment = rng.next(100) < 5
        append(#"{"dataElement":""#, to: &out)
        out.append(contentsOf: dataElements[Int(rng.next(dataElements.count))])
        append(#"","period":""#, to: &out)
        out.append(contentsOf: periods[Int(rng.next(periods.count))])
        append(#"","orgUnit":""#, to: &out)
        out.append(contentsOf: orgUnits[Int(rng.next(orgUnits.count))])
        append(#"","categoryOptionCombo":""#, to: &out)
        out.append(contentsOf: categoryOptionCombos[Int(rng.next(categoryOptionCombos.count))])
        append(#"","attributeOptionCombo":"HllvX50cXC0","value":"#, to: &out)
        let kind = rng.next(100)
        if hasComment && kind < 10 {
            append("null", to: &out)  // comment-only value
        } else {
            out.append(UInt8(ascii: "\""))
            if kind < 92 {
                appendNumber(Int(rng.next(kind < 50 ? 100 : 100_000)), width: 1, to: &out)
            } else {
                out.append(contentsOf: textValues[Int(rng.next(textValues.count))])
            }
            out.append(UInt8(ascii: "\""))
        }
        append(#","storedBy":""#, to: &out)
        out.append(contentsOf: users[Int(rng.next(users.count))])
        append(#"","created":""#, to: &out)
        appendTimestamp(to: &out)
        append(#"","lastUpdated":""#, to: &out)
        appendTimestamp(to: &out)
        append(#"","comment":"#, to: &out)
        if hasComment {
            out.append(contentsOf: comments[Int(rng.next(comments.count))])
        } else {
            append("null", to: &out)
        }
        append(rng.next(50) == 0 ? #","followup":true"# : #","followup":false"#, to: &out)
        if rng.next(100) == 0 { append(#","deleted":true"#, to: &out) }
        out.append(UInt8(ascii: "}"))
    }

    /// `2024-MM-DDTHH:mm:ss.SSS+0000`
    private mutating func appendTimestamp(to out: inout [UInt8]) {
        append("2024-", to: &out)
        appendNumber(1 + Int(rng.next(12)), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendNumber(1 + Int(rng.next(28)), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendNumber(Int(rng.next(24)), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendNumber(Int(rng.next(60)), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendNumber(Int(rng.next(60)), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendNumber(Int(rng.next(1000)), width: 3, to: &out)
        append("+0000", to: &out)
    }

    private func appendNumber(_ number: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        var digits = 1
        while number / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) { out.append(UInt8(ascii: "0")) }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
            divisor /= 10
        }
    }

    private func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}

/// xorshift64*: fast and deterministic.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next(_ bound: Int) -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return (state &* 0x2545_F491_4F6C_DD1D) % UInt64(bound)
    }
}
