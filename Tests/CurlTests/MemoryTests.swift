import Testing

/// Memory and throughput of large streamed bodies.
///
/// Peak RSS is process-wide, and other suites (this module's and other modules') run in parallel in the
/// test process. So each measurement runs in a child process: the test binary itself, filtered to one test
/// of ``MemoryChildTests``, which only runs when the child marker is in its environment.
@Suite("Large streamed bodies", .serialized)
struct MemoryTests {
    @Test("200 MB consumed slowly: peak RSS of the test process stays under 60 MB")
    func slowConsumerKeepsMemoryFlat() async throws {
        let result = try #require(try MemoryChildTests.run(test: "slowConsumer"))
        print("slow consumer (child process): \(result.summary)")
        #expect(result.received == MemoryChildTests.bodySize)
        #expect(result.peak < 60 * 1024 * 1024)
    }

    @Test("200 MB consumed as fast as possible (prints throughput)")
    func fastConsumer() async throws {
        let result = try #require(try MemoryChildTests.run(test: "fastConsumer"))
        print("fast consumer (child process): \(result.summary)")
        #expect(result.received == MemoryChildTests.bodySize)
        #expect(result.peak < 60 * 1024 * 1024)
    }
}
