import Curl
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@Suite("HTTP client against a local server")
struct HTTPClientTests {
    private static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("echo") { request, _ -> Response in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: "a=1"))
            headers.append(HTTPField(name: .setCookie, value: "b=2"))
            let text = "query=\(request.uri.query ?? "")\nx-test=\(request.headers[HTTPField.Name("X-Test")!] ?? "")"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("echo-body") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let text = "\(request.headers[.contentType] ?? "-") \(body.readableBytes) \(String(buffer: body))"
            return Response(status: .created, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("redirect") { _, _ -> Response in
            Response(
                status: .found,
                headers: [.location: "/target"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "moved"))
            )
        }
        router.get("target") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "arrived")))
        }
        router.get("gzip") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentEncoding: "gzip", .contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: Gzip.compressedGzip))
            )
        }
        router.get("deflate") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentEncoding: "deflate"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: Gzip.compressedDeflate))
            )
        }
        router.get("big-gzip") { _, _ -> Response in
            // 4 MiB of pattern as a stored gzip stream, so decoding runs while the consumer pauses the transfer.
            let plain = Array(repeating: TestSupport.patternBlock, count: 64).flatMap { $0 }
            return Response(
                status: .ok,
                headers: [.contentEncoding: "gzip"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: Gzip.stored(plain)))
            )
        }
        router.get("sized") { request, _ -> Response in
            let size = Int(request.uri.queryParameters["size"] ?? "0") ?? 0
            let chunked = request.uri.queryParameters["chunked"] == "1"
            return Response(
                status: .ok,
                body: ResponseBody(contentLength: chunked ? nil : size) { writer in
                    var remaining = size
                    while remaining > 0 {
                        let count = min(remaining, TestSupport.patternBuffer.readableBytes)
                        try await writer.write(TestSupport.patternBuffer.getSlice(at: 0, length: count)!)
                        remaining -= count
                    }
                    try await writer.finish(nil)
                }
            )
        }
        router.get("slow-head") { _, _ -> Response in
            try await Task.sleep(for: .seconds(10))
            return Response(status: .ok)
        }
        router.get("stall-body") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody(contentLength: 1000) { writer in
                    try await writer.write(ByteBuffer(string: "0123456789"))
                    try await Task.sleep(for: .seconds(10))
                    try await writer.finish(nil)
                }
            )
        }
        router.head("head") { _, _ -> Response in
            Response(status: .ok, headers: [.contentLength: "12345", .eTag: "\"v1\""])
        }
        return router
    }

    @Test("GET with encoded query, request header, multi-valued response headers")
    func getEcho() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                let request = HTTPClientRequest(
                    url: "http://127.0.0.1:\(port)/echo",
                    query: [.init("dataSet", "a"), .init("dataSet", "b"), .init("name", "Région Sud+1&x=#")],
                    headers: ["X-Test": "hello"]
                )
                let response = try await client.send(request)
                #expect(response.status == 200)
                let text = String(decoding: response.body, as: UTF8.self)
                #expect(text == "query=dataSet=a&dataSet=b&name=R%C3%A9gion%20Sud%2B1%26x%3D%23\nx-test=hello")
                #expect(response.headers["set-cookie"] == ["a=1", "b=2"])
                #expect(response.headers.first(name: "CONTENT-LENGTH") == String(response.body.count))
            }
        }
    }

    @Test("POST a small body; no form content type is invented")
    func postBytes() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                let url = "http://127.0.0.1:\(port)/echo-body"
                let plain = try await client.send(HTTPClientRequest(method: .post, url: url), body: .string("hello"))
                #expect(plain.status == 201)
                #expect(String(decoding: plain.body, as: UTF8.self) == "- 5 hello")

                let json = try await client.send(
                    HTTPClientRequest(method: .post, url: url, headers: ["Content-Type": "application/json"]),
                    body: .bytes(Array("{}".utf8))
                )
                #expect(String(decoding: json.body, as: UTF8.self) == "application/json 2 {}")

                let empty = try await client.send(HTTPClientRequest(method: .post, url: url), body: .bytes([]))
                #expect(String(decoding: empty.body, as: UTF8.self) == "- 0 ")
            }
        }
    }

    @Test("a 302 is returned with its Location, not followed")
    func redirectNotFollowed() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                let response = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/redirect"))
                #expect(response.status == 302)
                #expect(response.headers.first(name: "location") == "/target")
                #expect(String(decoding: response.body, as: UTF8.self) == "moved")
            }
            var configuration = HTTPClient.Configuration()
            configuration.followRedirects = true
            try await withTestClient(configuration) { client in
                let response = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/redirect"))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "arrived")
            }
        }
    }

    @Test("gzip and deflate bodies arrive decoded")
    func contentDecoding() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                for path in ["gzip", "deflate"] {
                    let response = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/\(path)"))
                    #expect(response.status == 200)
                    #expect(response.headers.first(name: "Content-Encoding") == path)
                    #expect(String(decoding: response.body, as: UTF8.self) == Gzip.plainText)
                }
            }
        }
    }

    @Test("a large gzip body decodes correctly while the consumer pauses the transfer")
    func gzipWithBackpressure() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            var configuration = HTTPClient.Configuration()
            configuration.responseBufferSize = 64 * 1024
            try await withTestClient(configuration) { client in
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/big-gzip"))
                var hasher = FNV1a()
                var total = 0
                var chunks = 0
                for try await chunk in response.body {
                    hasher.update(chunk)
                    total += chunk.count
                    chunks += 1
                    if chunks % 16 == 0 {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                #expect(total == 64 * 65_536)
                #expect(hasher.value == PatternProducer(total: 64 * 65_536).expectedHash())
            }
        }
    }

    @Test("HEAD returns the head and an empty body")
    func head() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                let response = try await client.send(
                    HTTPClientRequest(method: .head, url: "http://127.0.0.1:\(port)/head")
                )
                #expect(response.status == 200)
                #expect(response.headers.first(name: "etag") == "\"v1\"")
                #expect(response.body.isEmpty)
            }
        }
    }

    @Test("collected bodies are limited, with and without Content-Length")
    func collectLimit() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                for chunked in ["0", "1"] {
                    let request = HTTPClientRequest(
                        url: "http://127.0.0.1:\(port)/sized",
                        query: [.init("size", "300000"), .init("chunked", chunked)]
                    )
                    let error = await #expect(throws: HTTPClientError.self) {
                        try await client.send(request, maximumBodySize: 100_000)
                    }
                    #expect(error?.code == .bodyTooLarge)
                    let fits = try await client.send(request, maximumBodySize: 300_000)
                    #expect(fits.body.count == 300_000)
                }
            }
        }
    }

    @Test("many concurrent transfers share the one curl thread")
    func concurrentTransfers() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<24 {
                        group.addTask {
                            let size = 1000 * (index + 1)
                            let response = try await client.send(
                                HTTPClientRequest(
                                    url: "http://127.0.0.1:\(port)/sized",
                                    query: [.init("size", "\(size)")]
                                )
                            )
                            #expect(response.body.count == size)
                            return response.body.count
                        }
                    }
                    var total = 0
                    for try await count in group {
                        total += count
                    }
                    #expect(total == (1...24).reduce(0) { $0 + 1000 * $1 })
                }
            }
        }
    }

    @Test("connection refused maps to .connect")
    func connectRefused() async throws {
        try await RawTCPServer.withRefusingPort { port in
            try await withTestClient { client in
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
                }
                #expect(error?.code == .connect)
                #expect(error?.curlCode == 7)
            }
        }
    }

    @Test("a total timeout fires while waiting for the head")
    func totalTimeout() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            var configuration = HTTPClient.Configuration()
            configuration.totalTimeout = .milliseconds(300)
            try await withTestClient(configuration) { client in
                let started = ContinuousClock.now
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow-head"))
                }
                #expect(error?.code == .timeout)
                #expect(ContinuousClock.now - started < .seconds(5))
            }
        }
    }

    @Test("a stalled body trips the low-speed limit and ends the body with .timeout")
    func lowSpeedTimeout() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            var configuration = HTTPClient.Configuration()
            configuration.lowSpeedLimit = 100
            configuration.lowSpeedTime = .seconds(1)
            try await withTestClient(configuration) { client in
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/stall-body"))
                #expect(response.status == 200)
                var received = 0
                let error = await #expect(throws: HTTPClientError.self) {
                    for try await chunk in response.body {
                        received += chunk.count
                    }
                }
                #expect(error?.code == .timeout)
                #expect(received == 10)
            }
        }
    }

    @Test("a consumer that pauses longer than the low-speed window is not timed out")
    func pausedTransferIsNotSlow() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            var configuration = HTTPClient.Configuration()
            configuration.lowSpeedLimit = 1000
            configuration.lowSpeedTime = .seconds(1)
            configuration.responseBufferSize = 64 * 1024
            try await withTestClient(configuration) { client in
                let request = HTTPClientRequest(
                    url: "http://127.0.0.1:\(port)/sized",
                    query: [.init("size", "\(8 << 20)")]
                )
                let response = try await client.execute(request)
                var received = 0
                var paused = false
                for try await chunk in response.body {
                    received += chunk.count
                    if !paused && received > 256 * 1024 {
                        paused = true
                        try await Task.sleep(for: .milliseconds(2500))
                    }
                }
                #expect(received == 8 << 20)
            }
        }
    }

    @Test("https to a plain-HTTP port fails instead of succeeding")
    func tlsAgainstPlainHTTP() async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(HTTPClientRequest(url: "https://127.0.0.1:\(port)/echo"))
                }
                let code = try #require(error?.code)
                #expect([HTTPClientError.Code.tls, .protocol, .connect].contains(code))
            }
        }
    }

    @Test("requests after shutdown fail with .shutdown")
    func afterShutdown() async throws {
        let client = HTTPClient(configuration: .init(), logger: TestSupport.logger)
        await client.shutdown()
        await client.shutdown()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.send(HTTPClientRequest(url: "http://127.0.0.1:9/"))
        }
        #expect(error?.code == .shutdown)
    }

    @Test("invalid requests are refused before anything is sent")
    func invalidRequest() async throws {
        try await withTestClient { client in
            let header = await #expect(throws: HTTPClientError.self) {
                try await client.send(HTTPClientRequest(url: "http://127.0.0.1:9/", headers: ["X": "a\r\nB: c"]))
            }
            #expect(header?.code == .invalidRequest)
            let scheme = await #expect(throws: HTTPClientError.self) {
                try await client.send(HTTPClientRequest(url: "file:///etc/passwd"))
            }
            #expect(scheme?.code == .invalidRequest)
        }
    }
}
