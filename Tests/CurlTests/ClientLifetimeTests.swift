import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import Curl

@Suite("Client lifetime")
struct ClientLifetimeTests {
    @Test("a dropped client lets its running transfer finish, then its loop thread exits and everything is freed")
    func droppedClient() async throws {
        let router = Router()
        router.get("sized") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody(contentLength: 4 << 20) { writer in
                    for _ in 0..<64 {
                        try await writer.write(TestSupport.patternBuffer)
                    }
                    try await writer.finish(nil)
                }
            )
        }
        try await TestHTTPServer.withServer(router) { port in
            weak var weakLoop: CurlMultiLoop?
            let body: HTTPResponseBody
            do {
                let client = HTTPClient(configuration: .init(), logger: TestSupport.logger)
                weakLoop = client.loop
                body = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/sized")).body
            }
            // The client is gone; the transfer still completes.
            var received = 0
            for try await chunk in body {
                received += chunk.count
                try await Task.sleep(for: .microseconds(100))
            }
            #expect(received == 4 << 20)
            _ = consume body
            let deadline = ContinuousClock.now + .seconds(5)
            while weakLoop != nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(weakLoop == nil, "the loop (and its thread) should be gone")
        }
    }

    @Test("cancelling during a streamed upload stops the producer and fails with .cancelled")
    func cancelUpload() async throws {
        let router = Router()
        router.put("sink") { request, _ -> Response in
            for try await _ in request.body {}
            return Response(status: .ok)
        }
        let produced = SharedCounter()
        struct CountingProducer: AsyncSequence, Sendable {
            let produced: SharedCounter

            struct AsyncIterator: AsyncIteratorProtocol {
                let produced: SharedCounter

                mutating func next() async throws -> [UInt8]? {
                    self.produced.add(1)
                    return TestSupport.patternBlock
                }
            }

            func makeAsyncIterator() -> AsyncIterator {
                AsyncIterator(produced: self.produced)
            }
        }
        try await TestHTTPServer.withServer(router) { port in
            try await withTestClient { client in
                let upload = Task {
                    try await client.send(
                        HTTPClientRequest(method: .put, url: "http://127.0.0.1:\(port)/sink"),
                        body: .stream(CountingProducer(produced: produced))
                    )
                }
                #expect(await produced.wait(for: .seconds(10)) { $0 > 100 })
                upload.cancel()
                let result = await upload.result
                if case .failure(let error as HTTPClientError) = result {
                    #expect(error.code == .cancelled)
                } else {
                    Issue.record("expected HTTPClientError.cancelled, got \(result)")
                }
                let settled = produced.value
                try await Task.sleep(for: .milliseconds(300))
                #expect(produced.value <= settled + 1)
            }
        }
    }
}
