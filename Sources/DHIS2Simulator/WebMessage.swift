/// DHIS2's `WebMessage` envelope (reference §A.2): the body of most write answers and of every handled error.
struct WebMessage: Sendable {
    var httpStatusCode: Int
    var status: String
    var message: String?
    var devMessage: String?
    var response: JSONValue?
    var errorCode: String?

    init(
        _ httpStatusCode: Int,
        status: String? = nil,
        message: String? = nil,
        devMessage: String? = nil,
        response: JSONValue? = nil,
        errorCode: String? = nil
    ) {
        self.httpStatusCode = httpStatusCode
        self.status = status ?? (httpStatusCode < 300 ? "OK" : "ERROR")
        self.message = message
        self.devMessage = devMessage
        self.response = response
        self.errorCode = errorCode
    }

    /// Key order follows `@JsonPropertyOrder`, with `errorCode` after it; nulls are left out.
    var json: JSONValue {
        var builder = JSONObjectBuilder()
        builder.add("httpStatus", WebMessage.reasonPhrase(httpStatusCode))
        builder.add("httpStatusCode", httpStatusCode)
        builder.add("status", status)
        builder.add("message", message)
        builder.add("devMessage", devMessage)
        if let response { builder.add("response", response) }
        builder.add("errorCode", errorCode)
        return builder.value
    }

    /// Spring's `HttpStatus.getReasonPhrase()` for the codes the simulator uses.
    static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Unknown"
        }
    }

    static func conflict(_ message: String, errorCode: String? = nil) -> WebMessage {
        WebMessage(409, message: message, errorCode: errorCode)
    }

    static func notFound(_ message: String, errorCode: String? = "E1005") -> WebMessage {
        WebMessage(404, message: message, errorCode: errorCode)
    }

    static func badRequest(_ message: String, errorCode: String? = nil) -> WebMessage {
        WebMessage(400, message: message, errorCode: errorCode)
    }
}
