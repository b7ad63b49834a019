/// Why a period id, period-type name or period window was refused.
public struct PeriodError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text (or value) that was refused, verbatim.
    public let input: String
    /// One complete line for the user, naming the input and the reason, e.g.
    /// `'2021W53' is not a period id: 2021 has 52 ISO weeks`.
    public let message: String

    public init(input: String, message: String) {
        self.input = input
        self.message = message
    }

    public var description: String { message }

    static func invalidID(_ input: String, _ reason: String) -> PeriodError {
        PeriodError(input: input, message: "'\(quotable(input))' is not a period id: \(reason)")
    }

    /// `text` made safe to embed in a one-line message: control characters escaped, and cut short
    /// so that a stray multi-megabyte argument cannot flood a log line.
    static func quotable(_ text: String) -> String {
        let limit = 64
        var result = ""
        for (offset, character) in text.enumerated() {
            guard offset < limit else { return result + "…" }
            for scalar in character.unicodeScalars {
                result += scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
            }
        }
        return result
    }
}
