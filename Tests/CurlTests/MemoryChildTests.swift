import Curl
import Foundation
import Hummingbird
import NIOCore
import Testing

/// The measurements proper, run only inside the child process started by ``MemoryTests``.
@Suite(
    "Large streamed bodies (child process only)",
    .enabled(if: ProcessInfo.processInfo.environment["CURL_TESTS_MEMORY_CHILD"] != nil)
)
struct MemoryChildTests {
    static let marker = "CURL_TESTS_MEMORY_CHILD"
    static let bodySize = 200 * 1024 * 1024

    struct Result {
        var received: Int
        var peak: Int
        var baseline: Int
        var milliseconds: Int

        var summary: String {
            let rate = self.milliseconds > 0 ? (self.received >> 20) * 1000 / self.milliseconds : 0
            return "\(self.received >> 20) MiB in \(self.milliseconds) ms (\(rate) MiB/s), "
                + "RSS before \(self.baseline >> 10) KiB, peak RSS (VmHWM) \(self.peak >> 10) KiB"
        }
    }

    /// Runs one test of this suite in a child process and returns what it reported.
    static func run(test name: String) throws -> Result? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "MemoryChildTests/\(name)"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.marker] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            Issue.record("child process failed (\(process.terminationStatus)):\n\(text)")
            return nil
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("CURL_MEMORY_RESULT ") }) else {
            Issue.record("child process printed no result:\n\(text)")
            return nil
        }
        var values: [String: Int] = [:]
        for field in line.split(separator: " ").dropFirst() {
            let parts = field.split(separator: "=")
            if parts.count == 2 {
                values[String(parts[0])] = Int(parts[1])
            }
        }
        return Result(
            received: values["received"] ?? 0,
            peak: values["peak"] ?? Int.max,
            baseline: values["baseline"] ?? 0,
            milliseconds: values["ms"] ?? 0
        )
    }

    private static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("stream") { _, _ -> Response in
            Response(
                status: .ok,
                // Generated block by block; the server's writer awaits the socket, so it holds little.
                body: ResponseBody(contentLength: Self.bodySize) { writer in
                    var remaining = Self.bodySize
                    while remaining > 0 {
                        let count = min(remaining, TestSupport.patternBuffer.readableBytes)
                        try await writer.write(TestSupport.patternBuffer.getSlice(at: 0, length: count)!)
                        remaining -= count
                    }
                    try await writer.finish(nil)
                }
            )
        }
        return router
    }

    /// Streams the body through `consume` and prints the result line the parent parses.
    private func measure(_ consume: @Sendable @escaping ([UInt8], Int) async throws -> Void) async throws {
        try await TestHTTPServer.withServer(Self.router()) { port in
            try await withTestClient { client in
                ProcessMemory.resetPeak()
                let baseline = ProcessMemory.current()
                let started = ContinuousClock.now
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/stream"))
                var received = 0
                for try await chunk in response.body {
                    try await consume(chunk, received)
                    received += chunk.count
                }
                let elapsed = (ContinuousClock.now - started).wholeMilliseconds
                let peak = ProcessMemory.peak()
                print("CURL_MEMORY_RESULT received=\(received) peak=\(peak) baseline=\(baseline) ms=\(elapsed)")
            }
        }
    }

    @Test func slowConsumer() async throws {
        let chunks = SharedCounter()
        try await self.measure { chunk, offset in
            // Spot-check the content: the pattern repeats every 64 KiB.
            if chunks.value % 97 == 0, let first = chunk.first {
                #expect(first == TestSupport.patternBlock[offset % TestSupport.patternBlock.count])
            }
            chunks.add(1)
            // About 1 ms per 128 KiB: far slower than the loopback server can send.
            if chunks.value % 8 == 0 {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    @Test func fastConsumer() async throws {
        try await self.measure { _, _ in }
    }
}
