/// Produces `total` bytes of the test pattern lazily, one 64 KiB block at a time, and hashes what it hands out.
struct PatternProducer: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let total: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: Int

        mutating func next() async throws -> [UInt8]? {
            guard self.remaining > 0 else {
                return nil
            }
            let count = Swift.min(self.remaining, TestSupport.patternBlock.count)
            self.remaining -= count
            return count == TestSupport.patternBlock.count
                ? TestSupport.patternBlock : Array(TestSupport.patternBlock[..<count])
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(remaining: self.total)
    }

    /// The FNV-1a hash of what the producer yields.
    func expectedHash() -> UInt64 {
        var hasher = FNV1a()
        var remaining = self.total
        while remaining > 0 {
            let count = Swift.min(remaining, TestSupport.patternBlock.count)
            TestSupport.patternBlock.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            remaining -= count
        }
        return hasher.value
    }
}
