@testable import Curl
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@Suite("Streaming uploads, cancellation and failures mid-body")
struct StreamingTests {
    /// Streams pattern bytes until the client goes away, counting what the server saw.
    private static func endlessRouter(written: SharedCounter, closed: SharedCounter) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("endless") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    do {
                        while true {
                            try await writer.write(TestSupport.patternBuffer)
                            written.add(TestSupport.patternBuffer.readableBytes)
                        }
                    } catch {
                        closed.add(1)
                        throw error
                    }
                }
            )
        }
        return router
    }

    private static func uploadRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.put("upload") { request, _ -> Response in
            var hasher = FNV1a()
            var count = 0
            for try await buffer in request.body {
                count += buffer.readableBytes
                buffer.withUnsafeReadableBytes { hasher.update($0) }
            }
            let framing = request.headers[.contentLength].map { "length=\($0)" } ?? "chunked"
            let text = "\(count) \(hasher.value) \(framing)"
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return router
    }

    @Test("cancelling the consuming task mid-body aborts the transfer; the server sees the close")
    func cancelMidBody() async throws {
        let written = SharedCounter()
        let closed = SharedCounter()
        try await TestHTTPServer.withServer(Self.endlessRouter(written: written, closed: closed)) { port in
            try await withTestClient { client in
                let received = SharedCounter()
                let consumer = Task {
                    let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/endless"))
                    for try await chunk in response.body {
                        received.add(chunk.count)
                    }
                }
                #expect(await received.wait(for: .seconds(10)) { $0 >= 1 << 20 })
                consumer.cancel()
                let result = await consumer.result
                #expect(throws: HTTPClientError.self) { try result.get() }
                if case .failure(let error as HTTPClientError) = result {
                    #expect(error.code == .cancelled)
                }
                #expect(await closed.wait(for: .seconds(10)) { $0 == 1 })
                // The transfer really stopped: the server is not writing any more.
                let settled = written.value
                try await Task.sleep(for: .milliseconds(300))
                #expect(written.value == settled)
            }
        }
    }

    @Test("dropping an unread body aborts the transfer")
    func dropBody() async throws {
        let written = SharedCounter()
        let closed = SharedCounter()
        try await TestHTTPServer.withServer(Self.endlessRouter(written: written, closed: closed)) { port in
            try await withTestClient { client in
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/endless"))
                #expect(response.status == 200)
                _ = consume response
                #expect(await closed.wait(for: .seconds(10)) { $0 == 1 })
            }
        }
    }

    @Test("cancelling while waiting for the head aborts promptly; the server sees the close")
    func cancelBeforeHead() async throws {
        let closed = SharedCounter()
        let headRead = SharedCounter()
        // Reads the request, never answers, and notes when the client hangs up.
        let server = try RawTCPServer { connection in
            connection.readRequestHead()
            headRead.add(1)
            connection.waitForClose()
            closed.add(1)
        }
        defer { server.stop() }
        try await withTestClient { client in
            let request = Task {
                try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            }
            // Cancel only once the request is on the wire: a fixed sleep raced a loaded machine,
            // where the cancel could land before the connection existed.
            #expect(await headRead.wait(for: .seconds(10)) { $0 == 1 })
            let started = ContinuousClock.now
            request.cancel()
            let result = await request.result
            if case .failure(let error as HTTPClientError) = result {
                #expect(error.code == .cancelled)
            } else {
                Issue.record("expected HTTPClientError.cancelled, got \(result)")
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await closed.wait(for: .seconds(10)) { $0 == 1 })
        }
    }

    @Test("a body shorter than its Content-Length ends the sequence with .truncated")
    func truncatedBody() async throws {
        let server = try RawTCPServer { connection in
            connection.readRequestHead()
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            connection.write([UInt8](repeating: 0x61, count: 50_000))
        }
        defer { server.stop() }
        try await withTestClient { client in
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(response.status == 200)
            var received = 0
            let error = await #expect(throws: HTTPClientError.self) {
                for try await chunk in response.body {
                    received += chunk.count
                }
            }
            #expect(error?.code == .truncated)
            #expect(received == 50_000)
        }
    }

    @Test("a connection reset mid-body ends the sequence with an error")
    func resetMidBody() async throws {
        let server = try RawTCPServer { connection in
            connection.readRequestHead()
            connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.write("1000\r\n" + String(repeating: "b", count: 4096) + "\r\n")
            connection.resetOnClose()
        }
        defer { server.stop() }
        try await withTestClient { client in
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            let error = await #expect(throws: HTTPClientError.self) {
                for try await _ in response.body {}
            }
            let code = try #require(error?.code)
            #expect([HTTPClientError.Code.network, .truncated].contains(code))
        }
    }

    @Test("a garbled reply is a protocol error")
    func garbledReply() async throws {
        let server = try RawTCPServer { connection in
            connection.readRequestHead()
            connection.write("SSH-2.0-OpenSSH_9.2\r\n\r\n")
        }
        defer { server.stop() }
        try await withTestClient { client in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            }
            #expect(error?.code == .protocol)
        }
    }

    @Test(
        "100 MB streamed upload arrives complete (chunked), and with Content-Length when the length is known",
        arguments: [false, true]
    )
    func streamedUpload(knownLength: Bool) async throws {
        let total = knownLength ? 20_000_000 + 123 : 100_000_000 + 7
        let producer = PatternProducer(total: total)
        try await TestHTTPServer.withServer(Self.uploadRouter()) { port in
            try await withTestClient { client in
                let response = try await client.send(
                    HTTPClientRequest(method: .put, url: "http://127.0.0.1:\(port)/upload"),
                    body: .stream(length: knownLength ? total : nil, producer)
                )
                #expect(response.status == 200)
                let framing = knownLength ? "length=\(total)" : "chunked"
                let expected = "\(total) \(producer.expectedHash()) \(framing)"
                #expect(String(decoding: response.body, as: UTF8.self) == expected)
            }
        }
    }

    @Test("a producer that throws fails the request with .uploadFailed")
    func producerThrows() async throws {
        struct ProducerBroke: Error {}
        let chunks = AsyncThrowingStream<[UInt8], any Error> { continuation in
            continuation.yield([1, 2, 3])
            continuation.finish(throwing: ProducerBroke())
        }
        try await TestHTTPServer.withServer(Self.uploadRouter()) { port in
            try await withTestClient { client in
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(
                        HTTPClientRequest(method: .put, url: "http://127.0.0.1:\(port)/upload"),
                        body: .stream(chunks)
                    )
                }
                #expect(error?.code == .uploadFailed)
                #expect(error?.underlying is ProducerBroke)
            }
        }
    }

    @Test("a producer yielding more or fewer bytes than declared fails with .invalidRequest", arguments: [10, 30])
    func lengthMismatch(actual: Int) async throws {
        try await TestHTTPServer.withServer(Self.uploadRouter()) { port in
            try await withTestClient { client in
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(
                        HTTPClientRequest(method: .put, url: "http://127.0.0.1:\(port)/upload"),
                        body: .stream(length: 20, PatternProducer(total: actual))
                    )
                }
                #expect(error?.code == .invalidRequest)
            }
        }
    }

    @Test("error descriptions never contain URL credentials, the query or the Authorization value")
    func errorsAreSafeToLog() async throws {
        try await RawTCPServer.withRefusingPort { port in
            try await withTestClient { client in
                let request = HTTPClientRequest(
                    url: "http://admin:s3cr3t-pa55@127.0.0.1:\(port)/api/me?token=query-secret",
                    headers: ["Authorization": "Bearer header-secret-token"]
                )
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(request)
                }
                let unwrapped = try #require(error)
                #expect(unwrapped.code == .connect)
                for text in [unwrapped.description, unwrapped.debugDescription, String(describing: unwrapped)] {
                    #expect(!text.contains("s3cr3t-pa55"))
                    #expect(!text.contains("admin:"))
                    #expect(!text.contains("header-secret-token"))
                    #expect(!text.contains("query-secret"))
                }
                #expect(unwrapped.description.contains("http://127.0.0.1:\(port)/api/me"))
                #expect(unwrapped.curlMessage?.isEmpty == false)
            }
        }
    }

    @Test("an upload producer that stalls longer than the low-speed window is not timed out")
    func stalledProducerIsNotSlow() async throws {
        let chunks = AsyncThrowingStream<[UInt8], any Error> { continuation in
            Task {
                continuation.yield([UInt8](repeating: 1, count: 100_000))
                try await Task.sleep(for: .milliseconds(2500))
                continuation.yield([UInt8](repeating: 1, count: 100_000))
                continuation.finish()
            }
        }
        var configuration = HTTPClient.Configuration()
        configuration.lowSpeedLimit = 1000
        configuration.lowSpeedTime = .seconds(1)
        let strict = configuration
        try await TestHTTPServer.withServer(Self.uploadRouter()) { port in
            try await withTestClient(strict) { client in
                let response = try await client.send(
                    HTTPClientRequest(method: .put, url: "http://127.0.0.1:\(port)/upload"),
                    body: .stream(chunks)
                )
                #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("200000 "))
            }
        }
    }
}
