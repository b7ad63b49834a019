/// DHIS2 identifiers: 11 characters, a letter first, then letters or digits.
enum UID {
    private static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    private static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// A fresh identifier drawn from `generator`.
    static func generate(using generator: inout SplitMix64) -> String {
        var bytes = [UInt8](repeating: 0, count: 11)
        bytes[0] = letters[generator.below(letters.count)]
        for index in 1..<11 {
            bytes[index] = alphanumerics[generator.below(alphanumerics.count)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `text` has the shape of a DHIS2 UID.
    static func isValid(_ text: some StringProtocol) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 11, isLetter(utf8[0]) else { return false }
        return utf8.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
