/// An error talking to a DHIS2 instance.
///
/// `description` is one line for an operator: what failed, where, and DHIS2's own message. It never
/// holds credentials: endpoints are paths without query strings, and DHIS2's messages do not echo
/// them.
public struct DHIS2Error: Error, Sendable, CustomStringConvertible {
    /// A stable classification, usable as a metric label.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case unauthenticated, forbidden
            case notFound = "not_found"
            case conflict
            case badRequest = "bad_request"
            case server
            case unexpectedResponse = "unexpected_response"
            case transport, credentials, truncated
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No or wrong credentials: a 401, or DHIS2's 302 to its login page.
        public static let unauthenticated = Code(.unauthenticated)
        /// 403: the user lacks an authority or access to the object.
        public static let forbidden = Code(.forbidden)
        /// 404 (E1005 for an unknown uid).
        public static let notFound = Code(.notFound)
        /// 409 that is a refusal (E2001–E2012 export errors, …), not an import result.
        public static let conflict = Code(.conflict)
        /// Other 4xx.
        public static let badRequest = Code(.badRequest)
        /// 5xx.
        public static let server = Code(.server)
        /// A body this client cannot read as what the endpoint should answer.
        public static let unexpectedResponse = Code(.unexpectedResponse)
        /// The HTTP exchange itself failed (connect, TLS, timeout …); `underlying` says how.
        public static let transport = Code(.transport)
        /// A credential reference could not be resolved (unset variable, unreadable file).
        public static let credentials = Code(.credentials)
        /// A streamed body ended before its JSON did: DHIS2 failed mid-export.
        public static let truncated = Code(.truncated)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The HTTP status, when there was an answer.
    public var httpStatus: Int?
    /// DHIS2's WebMessage, when the body was one.
    public var webMessage: WebMessage?
    /// What this client was doing, e.g. `GET /api/dataValueSets`.
    public var endpoint: String?
    public var detail: String
    public var underlying: (any Error & Sendable)?
    /// The answer's `Retry-After` header, kept for ``RetryPolicy``.
    var retryAfter: String?

    public init(
        code: Code,
        detail: String,
        httpStatus: Int? = nil,
        webMessage: WebMessage? = nil,
        endpoint: String? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.detail = detail
        self.httpStatus = httpStatus
        self.webMessage = webMessage
        self.endpoint = endpoint
        self.underlying = underlying
    }

    public var description: String {
        var text = ""
        if let endpoint { text += "\(endpoint): " }
        if let httpStatus { text += "HTTP \(httpStatus) " }
        text += detail
        if let webMessage, webMessage.message != nil || webMessage.errorCode != nil {
            text += " — DHIS2 says: \(webMessage.summary)"
        }
        return text
    }
}
