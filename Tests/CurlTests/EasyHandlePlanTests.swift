import CCurl
import Testing

@testable import Curl

@Suite("Easy handle plan")
struct EasyHandlePlanTests {
    private func plan(
        _ request: HTTPClientRequest = HTTPClientRequest(url: "https://example.org/api"),
        bodyLength: Int?? = nil,
        configuration: HTTPClient.Configuration = .init()
    ) throws -> EasyHandlePlan {
        try EasyHandlePlan.make(request: request, bodyLength: bodyLength, configuration: configuration)
    }

    @Test("TLS verification is on, also with a custom CA file")
    func tlsVerification() throws {
        var configuration = HTTPClient.Configuration()
        configuration.caFile = "/etc/ssl/custom.pem"
        for plan in [try self.plan(), try self.plan(configuration: configuration)] {
            #expect(plan.value(for: CURLOPT_SSL_VERIFYPEER) == .long(1))
            #expect(plan.value(for: CURLOPT_SSL_VERIFYHOST) == .long(2))
        }
        #expect(
            try self.plan(configuration: configuration).value(for: CURLOPT_CAINFO) == .string("/etc/ssl/custom.pem")
        )
    }

    @Test("signals off, redirects not followed, decoding and protocol whitelist on")
    func policy() throws {
        let plan = try self.plan()
        #expect(plan.value(for: CURLOPT_NOSIGNAL) == .long(1))
        #expect(plan.value(for: CURLOPT_FOLLOWLOCATION) == .long(0))
        #expect(plan.value(for: CURLOPT_ACCEPT_ENCODING) == .string(""))
        #expect(plan.value(for: CURLOPT_PROTOCOLS_STR) == .string("http,https"))
        #expect(plan.value(for: CURLOPT_REDIR_PROTOCOLS_STR) == .string("http,https"))
        #expect(plan.value(for: CURLOPT_HTTP_VERSION) == .long(CURL_HTTP_VERSION_1_1))
        #expect(plan.value(for: CURLOPT_HTTPGET) == .long(1))
    }

    @Test("redirects are followed only when configured")
    func followRedirects() throws {
        var configuration = HTTPClient.Configuration()
        configuration.followRedirects = true
        configuration.maximumRedirects = 3
        let plan = try self.plan(configuration: configuration)
        #expect(plan.value(for: CURLOPT_FOLLOWLOCATION) == .long(1))
        #expect(plan.value(for: CURLOPT_MAXREDIRS) == .long(3))
    }

    @Test("timeouts are converted, rounded up and never 0")
    func timeouts() throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectTimeout = .milliseconds(1500)
        configuration.lowSpeedLimit = 100
        configuration.lowSpeedTime = .milliseconds(2500)
        configuration.totalTimeout = .microseconds(1)
        let plan = try self.plan(configuration: configuration)
        #expect(plan.value(for: CURLOPT_CONNECTTIMEOUT_MS) == .long(1500))
        #expect(plan.value(for: CURLOPT_LOW_SPEED_LIMIT) == .long(100))
        #expect(plan.value(for: CURLOPT_LOW_SPEED_TIME) == .long(3))
        #expect(plan.value(for: CURLOPT_TIMEOUT_MS) == .long(1))

        var request = HTTPClientRequest(url: "https://example.org/")
        request.totalTimeout = .seconds(7)
        #expect(try self.plan(request, configuration: configuration).value(for: CURLOPT_TIMEOUT_MS) == .long(7000))

        configuration.lowSpeedLimit = 0
        configuration.totalTimeout = nil
        let relaxed = try self.plan(configuration: configuration)
        #expect(relaxed.value(for: CURLOPT_LOW_SPEED_LIMIT) == nil)
        #expect(relaxed.value(for: CURLOPT_TIMEOUT_MS) == nil)
    }

    @Test("a body with known length sends Content-Length, an unknown one chunked")
    func bodyLength() throws {
        let post = HTTPClientRequest(method: .post, url: "http://h/")
        let known = try self.plan(post, bodyLength: .some(42))
        #expect(known.value(for: CURLOPT_POST) == .long(1))
        #expect(known.value(for: CURLOPT_POSTFIELDSIZE_LARGE) == .offset(42))
        #expect(known.value(for: CURLOPT_CUSTOMREQUEST) == nil)

        let put = HTTPClientRequest(method: .put, url: "http://h/")
        let unknown = try self.plan(put, bodyLength: .some(nil))
        #expect(unknown.value(for: CURLOPT_POSTFIELDSIZE_LARGE) == .offset(-1))
        #expect(unknown.value(for: CURLOPT_CUSTOMREQUEST) == .string("PUT"))
    }

    @Test("methods without body")
    func methods() throws {
        #expect(
            try self.plan(HTTPClientRequest(method: .head, url: "http://h/")).value(for: CURLOPT_NOBODY) == .long(1)
        )
        let delete = try self.plan(HTTPClientRequest(method: .delete, url: "http://h/"))
        #expect(delete.value(for: CURLOPT_CUSTOMREQUEST) == .string("DELETE"))
        #expect(throws: EasyHandlePlan.InvalidRequest.self) {
            try self.plan(HTTPClientRequest(method: "GET /x HTTP/1.1\r\n", url: "http://h/"))
        }
    }

    @Test("only absolute http and https URLs are accepted")
    func schemes() throws {
        for url in ["http://h/", "HTTPS://h/x"] {
            #expect(try self.plan(HTTPClientRequest(url: url)).value(for: CURLOPT_URL) == .string(url))
        }
        for url in ["file:///etc/passwd", "ftp://h/", "/relative", "h:80"] {
            #expect(throws: EasyHandlePlan.InvalidRequest.self) {
                try self.plan(HTTPClientRequest(url: url))
            }
        }
    }

    @Test("header lines: empty values, libcurl's own defaults suppressed")
    func headerLines() throws {
        let headers: HTTPHeaders = ["Accept": "application/json", "X-Empty": "", "Authorization": "Bearer t"]
        let lines = try EasyHandlePlan.headerLines(headers, hasBody: true)
        #expect(
            lines == ["Accept: application/json", "X-Empty;", "Authorization: Bearer t", "Expect:", "Content-Type:"]
        )

        let withType = try EasyHandlePlan.headerLines(["Content-Type": "application/json"], hasBody: true)
        #expect(withType == ["Content-Type: application/json", "Expect:"])
        #expect(try EasyHandlePlan.headerLines([:], hasBody: false) == ["Expect:"])
    }

    @Test("header injection is refused without echoing the value")
    func headerInjection() throws {
        let error = #expect(throws: EasyHandlePlan.InvalidRequest.self) {
            try EasyHandlePlan.headerLines(["X-Token": "secret\r\nX-Evil: 1"], hasBody: false)
        }
        #expect(error?.message.contains("secret") == false)
        #expect(throws: EasyHandlePlan.InvalidRequest.self) {
            try EasyHandlePlan.headerLines(["Bad Name": "v"], hasBody: false)
        }
    }
}
