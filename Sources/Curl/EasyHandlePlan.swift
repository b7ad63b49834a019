import CCurl

/// Everything an easy handle is configured with, as plain data.
///
/// Built by a pure function so that policy (TLS verification on, redirects off, `NOSIGNAL`, protocol
/// whitelist) can be tested without a network, and so that the curl thread only has to apply it. Pointers
/// (callbacks, userdata, error buffer, header list) are not part of the plan; the curl thread adds them.
struct EasyHandlePlan: Sendable {
    enum Value: Sendable, Hashable {
        case long(Int)
        case string(String)
        case offset(Int64)
    }

    struct Setting: Sendable {
        let option: CURLoption
        let value: Value
    }

    private(set) var settings: [Setting] = []
    /// `CURLOPT_HTTPHEADER` lines, in order.
    private(set) var headerLines: [String] = []

    /// The value set last for `option`, if any.
    func value(for option: CURLoption) -> Value? {
        self.settings.last { $0.option == option }?.value
    }

    private mutating func set(_ option: CURLoption, _ value: Value) {
        self.settings.append(Setting(option: option, value: value))
    }

    /// Validates `request` and derives the plan.
    ///
    /// - Throws: A message for ``HTTPClientError/Code/invalidRequest`` (never echoing header values).
    static func make(
        request: HTTPClientRequest,
        bodyLength: Int??,
        configuration: HTTPClient.Configuration
    ) throws(InvalidRequest) -> EasyHandlePlan {
        guard request.method.isValidToken else {
            throw InvalidRequest(message: "method is not a valid token")
        }
        let url = request.effectiveURL
        guard let schemeEnd = url.firstRange(of: "://"),
            ["http", "https"].contains(url[..<schemeEnd.lowerBound].lowercased())
        else {
            throw InvalidRequest(message: "URL is not an absolute http or https URL")
        }
        var plan = EasyHandlePlan()
        plan.set(CURLOPT_URL, .string(url))

        // Signals cannot be used by a library in a threaded process (libcurl-thread(3)).
        plan.set(CURLOPT_NOSIGNAL, .long(1))
        // Verification is policy, not configuration: always on, pinned explicitly.
        plan.set(CURLOPT_SSL_VERIFYPEER, .long(1))
        plan.set(CURLOPT_SSL_VERIFYHOST, .long(2))
        if let caFile = configuration.caFile {
            plan.set(CURLOPT_CAINFO, .string(caFile))
        }
        // No file://, ftp:// or other surprises, neither directly nor via a redirect.
        plan.set(CURLOPT_PROTOCOLS_STR, .string("http,https"))
        plan.set(CURLOPT_REDIR_PROTOCOLS_STR, .string("http,https"))
        plan.set(CURLOPT_FOLLOWLOCATION, .long(configuration.followRedirects ? 1 : 0))
        plan.set(CURLOPT_MAXREDIRS, .long(max(0, configuration.maximumRedirects)))
        // HTTP/1.1 only: libcurl 7.88 grants each HTTP/2 stream a 32 MiB window; pausing stops new grants,
        // but what was granted still arrives and is buffered, which defeats consumer-driven backpressure.
        plan.set(CURLOPT_HTTP_VERSION, .long(CURL_HTTP_VERSION_1_1))
        // "" = every encoding this libcurl decodes (gzip, deflate, …); the body arrives decoded.
        plan.set(CURLOPT_ACCEPT_ENCODING, .string(""))
        plan.set(CURLOPT_USERAGENT, .string(configuration.userAgent))
        plan.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, .long(1))
        plan.set(CURLOPT_TCP_KEEPALIVE, .long(1))
        plan.set(CURLOPT_BUFFERSIZE, .long(min(max(configuration.receiveBufferSize, 1024), 512 * 1024)))

        plan.set(CURLOPT_CONNECTTIMEOUT_MS, .long(Self.milliseconds(configuration.connectTimeout)))
        if configuration.lowSpeedLimit > 0 {
            plan.set(CURLOPT_LOW_SPEED_LIMIT, .long(configuration.lowSpeedLimit))
            let seconds = (Self.milliseconds(configuration.lowSpeedTime) + 999) / 1000
            plan.set(CURLOPT_LOW_SPEED_TIME, .long(max(1, seconds)))
        }
        if let total = request.totalTimeout ?? configuration.totalTimeout {
            plan.set(CURLOPT_TIMEOUT_MS, .long(Self.milliseconds(total)))
        }

        switch (request.method, bodyLength) {
        case (.get, nil):
            plan.set(CURLOPT_HTTPGET, .long(1))
        case (.head, nil):
            plan.set(CURLOPT_NOBODY, .long(1))
        case (_, nil):
            plan.set(CURLOPT_CUSTOMREQUEST, .string(request.method.rawValue))
        case (_, .some(let length)):
            // POST is libcurl's mode for "send a body from the read callback"; -1 selects chunked encoding.
            plan.set(CURLOPT_POST, .long(1))
            plan.set(CURLOPT_POSTFIELDSIZE_LARGE, .offset(Int64(length ?? -1)))
            if request.method != .post {
                plan.set(CURLOPT_CUSTOMREQUEST, .string(request.method.rawValue))
            }
        }

        plan.headerLines = try Self.headerLines(request.headers, hasBody: bodyLength != nil)
        return plan
    }

    static func headerLines(_ headers: HTTPHeaders, hasBody: Bool) throws(InvalidRequest) -> [String] {
        var lines: [String] = []
        for field in headers {
            guard Self.isToken(field.name) else {
                throw InvalidRequest(message: "header name is not a valid token")
            }
            guard Self.isValidValue(field.value) else {
                throw InvalidRequest(message: "value of header \(field.name) contains a control character")
            }
            // "Name:" would tell libcurl to drop the header; "Name;" sends it empty.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // libcurl would otherwise wait up to a second for a "100 Continue" many servers never send.
        if !headers.contains(name: "Expect") {
            lines.append("Expect:")
        }
        // libcurl labels POST bodies as form data unless told otherwise.
        if hasBody && !headers.contains(name: "Content-Type") {
            lines.append("Content-Type:")
        }
        return lines
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else {
            return 1
        }
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow, millis.partialValue < Int64(Int32.max) else {
            return Int(Int32.max)
        }
        // Round up, and never 0: libcurl reads 0 as "no timeout".
        let total = millis.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(max(1, min(total, Int64(Int32.max))))
    }

    private static func isToken(_ string: String) -> Bool { isHTTPToken(string) }

    /// No CR, LF, NUL or other controls except tab: they would split or corrupt the header block.
    private static func isValidValue(_ string: String) -> Bool {
        string.utf8.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }
    }

    struct InvalidRequest: Error {
        let message: String
    }
}
