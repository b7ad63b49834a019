/// Small helpers for the fixed-width ASCII numbers in ISO dates and DHIS2 period ids; the module
/// avoids Foundation, so there is no formatter to lean on.
enum DecimalDigits {
    /// The value of a run of ASCII digits, or nil if the run is empty or holds anything else.
    static func value(of bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var result = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }

    /// `value` in decimal, left-padded with zeros to at least `width` digits (value must be ≥ 0).
    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
