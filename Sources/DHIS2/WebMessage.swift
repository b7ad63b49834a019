/// DHIS2's envelope for write answers and handled errors (`dhis2-api.md` §A.2).
///
/// Every field is optional: DHIS2 omits nulls, and old servers answer some endpoints bare.
public struct WebMessage: Decodable, Hashable, Sendable {
    /// The reason phrase, e.g. `Conflict`.
    public var httpStatus: String?
    /// The HTTP status DHIS2 meant; the real status line is set from it.
    public var httpStatusCode: Int?
    /// `OK`, `WARNING` or `ERROR`.
    public var status: String?
    public var code: Int?
    public var message: String?
    public var devMessage: String?
    /// E.g. `E1005` (not found) or `E2001` (export query invalid).
    public var errorCode: String?

    public init(
        httpStatus: String? = nil,
        httpStatusCode: Int? = nil,
        status: String? = nil,
        message: String? = nil,
        devMessage: String? = nil,
        errorCode: String? = nil
    ) {
        self.httpStatus = httpStatus
        self.httpStatusCode = httpStatusCode
        self.status = status
        self.message = message
        self.devMessage = devMessage
        self.errorCode = errorCode
    }

    /// One line for an operator: the message, then the code.
    public var summary: String {
        var text = message ?? httpStatus ?? "no message"
        if let errorCode { text += " (\(errorCode))" }
        return text
    }
}
