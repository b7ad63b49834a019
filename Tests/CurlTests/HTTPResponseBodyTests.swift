import Testing

@testable import Curl

@Suite("Response body and upload pipe (no network)")
struct HTTPResponseBodyTests {
    @Test("a fixed body replays its chunks, collects, and can end with an error")
    func fixedBody() async throws {
        let body = HTTPResponseBody(chunks: [[1, 2], [3]])
        #expect(try await body.collect(upTo: 10) == [1, 2, 3])

        struct Broken: Error {}
        var received: [UInt8] = []
        await #expect(throws: Broken.self) {
            for try await chunk in HTTPResponseBody(chunks: [[9]], failure: Broken()) {
                received += chunk
            }
        }
        #expect(received == [9])

        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPResponseBody(chunks: [[1, 2, 3]]).collect(upTo: 2)
        }
        #expect(error?.code == .bodyTooLarge)
    }

    @Test("pipe: an empty reader marks itself waiting and the next write wakes it")
    func pipeWakesReader() async throws {
        let wakes = SharedCounter()
        let pipe = UploadPipe(declaredLength: nil, highWater: 1024) { wakes.add(1) }
        var buffer = [UInt8](repeating: 0, count: 8)
        let first = buffer.withUnsafeMutableBytes { pipe.read(into: $0) }
        guard case .wouldBlock = first else {
            Issue.record("expected wouldBlock, got \(first)")
            return
        }
        try await pipe.write([1, 2, 3])
        #expect(wakes.value == 1)
        let second = buffer.withUnsafeMutableBytes { pipe.read(into: $0) }
        guard case .bytes(3) = second else {
            Issue.record("expected 3 bytes, got \(second)")
            return
        }
        #expect(buffer[..<3] == [1, 2, 3])
        pipe.finish(error: nil)
        let third = buffer.withUnsafeMutableBytes { pipe.read(into: $0) }
        guard case .end = third else {
            Issue.record("expected end, got \(third)")
            return
        }
    }

    @Test("pipe: a writer above the high-water mark waits until the reader drains")
    func pipeBackpressure() async throws {
        let pipe = UploadPipe(declaredLength: nil, highWater: 100) {}
        let written = SharedCounter()
        let writer = Task {
            for _ in 0..<10 {
                try await pipe.write([UInt8](repeating: 7, count: 60))
                written.add(1)
            }
            pipe.finish(error: nil)
        }
        // 60 is below the mark; the second chunk is taken, but at 120 bytes that write waits for the reader.
        #expect(await written.wait(for: .seconds(2)) { $0 == 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(written.value == 1)
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 50)
        readLoop: while true {
            switch buffer.withUnsafeMutableBytes({ pipe.read(into: $0) }) {
            case .bytes(let count):
                total += count
            case .wouldBlock:
                try await Task.sleep(for: .milliseconds(1))
            case .end:
                break readLoop
            case .failed(let failure):
                Issue.record("unexpected failure \(failure)")
                break readLoop
            }
        }
        try await writer.value
        #expect(total == 600)
    }

    @Test("pipe: wrong lengths fail, and closing releases a waiting writer")
    func pipeFailures() async throws {
        let short = UploadPipe(declaredLength: 10, highWater: 100) {}
        try await short.write([1, 2, 3])
        short.finish(error: nil)
        var buffer = [UInt8](repeating: 0, count: 16)
        guard case .failed(.tooShort(10, 3)) = buffer.withUnsafeMutableBytes({ short.read(into: $0) }) else {
            Issue.record("expected tooShort")
            return
        }

        let long = UploadPipe(declaredLength: 2, highWater: 100) {}
        try await long.write([1, 2, 3])
        guard case .failed(.tooLong(2)) = buffer.withUnsafeMutableBytes({ long.read(into: $0) }) else {
            Issue.record("expected tooLong")
            return
        }

        let closing = UploadPipe(declaredLength: nil, highWater: 1) {}
        let blocked = Task { try await closing.write([1, 2, 3]) }
        try await Task.sleep(for: .milliseconds(50))
        closing.close()
        await #expect(throws: UploadPipe.Closed.self) { try await blocked.value }
    }
}
