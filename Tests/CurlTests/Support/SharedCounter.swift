import Synchronization

/// A flag/counter shared between a test and its in-process server.
final class SharedCounter: Sendable {
    private let storage = Atomic<Int>(0)

    var value: Int { self.storage.load(ordering: .acquiring) }

    func add(_ amount: Int) {
        self.storage.wrappingAdd(amount, ordering: .acquiringAndReleasing)
    }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    func wait(for timeout: Duration, until condition: (Int) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self.value) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(self.value)
    }
}
