import Synchronization
import Testing

@testable import DHIS2Simulator

/// The bounded handoff between a request's decoding task and the task applying its batches.
@Suite struct BatchHandoffTests {
    @Test func batchesArriveInOrderAndNilAfterFinish() async {
        let handoff = BatchHandoff<Int>(capacity: 2)
        let taker = Task {
            var seen: [Int] = []
            while let next = await handoff.take() { seen.append(next) }
            return seen
        }
        for batch in 0..<100 { await handoff.put(batch) }
        await handoff.finish()
        #expect(await taker.value == Array(0..<100))
        #expect(await handoff.take() == nil)
    }

    @Test func aPutWaitsWhileCapacityBatchesAreQueued() async throws {
        let handoff = BatchHandoff<Int>(capacity: 2)
        let put = Atomic<Int>(0)
        let putter = Task {
            for batch in 0..<5 {
                await handoff.put(batch)
                put.add(1, ordering: .relaxed)
            }
        }
        // Nobody takes: two fit, the third waits.
        try await Task.sleep(for: .milliseconds(200))
        #expect(put.load(ordering: .relaxed) == 2)
        #expect(await handoff.take() == 0)
        try await Task.sleep(for: .milliseconds(200))
        #expect(put.load(ordering: .relaxed) == 3)
        for expected in 1..<5 { #expect(await handoff.take() == expected) }
        await putter.value
        #expect(put.load(ordering: .relaxed) == 5)
        await handoff.finish()
        #expect(await handoff.take() == nil)
    }
}
