/// An error from the tokenizer, the DataValue decoder or the writer.
///
/// The description names the problem and where it is; it never quotes document bytes, so it is safe to log.
public struct JSONStreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, payload-free identifier of what went wrong (usable as a metric label).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        @usableFromInline
        enum Base: UInt8, Sendable {
            case unexpectedCharacter
            case invalidLiteral
            case invalidNumber
            case controlCharacterInString
            case invalidEscape
            case invalidUnicodeEscape
            case invalidUTF8
            case unexpectedEndOfInput
            case trailingData
            case depthLimitExceeded
            case tokenTooLong
            case invalidDataValueSet
            case feedAfterFinish
        }

        @usableFromInline
        let base: Base

        @inlinable
        init(_ base: Base) { self.base = base }

        /// A byte that the grammar does not allow at this place.
        public static let unexpectedCharacter = Code(.unexpectedCharacter)
        /// Something that started like `true`, `false` or `null` but is not.
        public static let invalidLiteral = Code(.invalidLiteral)
        /// A number that breaks the RFC 8259 number grammar.
        public static let invalidNumber = Code(.invalidNumber)
        /// A byte below U+0020 inside a string (it must be escaped).
        public static let controlCharacterInString = Code(.controlCharacterInString)
        /// A backslash followed by something that is not an escape.
        public static let invalidEscape = Code(.invalidEscape)
        /// A `\u` escape with bad hex digits or an unpaired surrogate.
        public static let invalidUnicodeEscape = Code(.invalidUnicodeEscape)
        /// Bytes inside a string that are not well-formed UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// The input stopped before the document was complete (a truncated body).
        public static let unexpectedEndOfInput = Code(.unexpectedEndOfInput)
        /// Something other than whitespace after the top-level value.
        public static let trailingData = Code(.trailingData)
        /// Objects and arrays nested deeper than the configured limit.
        public static let depthLimitExceeded = Code(.depthLimitExceeded)
        /// A string, key or number longer than the configured limit.
        public static let tokenTooLong = Code(.tokenTooLong)
        /// Well-formed JSON that is not a `dataValueSets` document.
        public static let invalidDataValueSet = Code(.invalidDataValueSet)
        /// `feed` was called after `finish`.
        public static let feedAfterFinish = Code(.feedAfterFinish)

        public var description: String {
            switch base {
            case .unexpectedCharacter: "unexpectedCharacter"
            case .invalidLiteral: "invalidLiteral"
            case .invalidNumber: "invalidNumber"
            case .controlCharacterInString: "controlCharacterInString"
            case .invalidEscape: "invalidEscape"
            case .invalidUnicodeEscape: "invalidUnicodeEscape"
            case .invalidUTF8: "invalidUTF8"
            case .unexpectedEndOfInput: "unexpectedEndOfInput"
            case .trailingData: "trailingData"
            case .depthLimitExceeded: "depthLimitExceeded"
            case .tokenTooLong: "tokenTooLong"
            case .invalidDataValueSet: "invalidDataValueSet"
            case .feedAfterFinish: "feedAfterFinish"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// Offset, from the first byte ever fed, of the byte where the problem was found.
    public let byteOffset: Int
    /// A fixed human-readable explanation (never contains document content).
    public let message: String

    @inlinable
    public init(_ code: Code, at byteOffset: Int, _ message: String? = nil) {
        self.code = code
        self.byteOffset = byteOffset
        self.message = message ?? Self.defaultMessage(code)
    }

    public var description: String {
        "JSONStreamError.\(code) at byte \(byteOffset): \(message)"
    }

    /// Errors are equal when code and offset are; the message is explanation only.
    public static func == (lhs: JSONStreamError, rhs: JSONStreamError) -> Bool {
        lhs.code == rhs.code && lhs.byteOffset == rhs.byteOffset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(byteOffset)
    }

    @usableFromInline
    static func defaultMessage(_ code: Code) -> String {
        switch code.base {
        case .unexpectedCharacter: "unexpected character"
        case .invalidLiteral: "invalid literal (expected true, false or null)"
        case .invalidNumber: "invalid number"
        case .controlCharacterInString: "unescaped control character in string"
        case .invalidEscape: "invalid escape sequence in string"
        case .invalidUnicodeEscape: "invalid \\u escape or unpaired surrogate"
        case .invalidUTF8: "string is not valid UTF-8"
        case .unexpectedEndOfInput: "input ended before the JSON document was complete"
        case .trailingData: "data after the end of the JSON document"
        case .depthLimitExceeded: "nesting deeper than the configured limit"
        case .tokenTooLong: "string, key or number longer than the configured limit"
        case .invalidDataValueSet: "not a dataValueSets document"
        case .feedAfterFinish: "feed called after finish"
        }
    }
}
