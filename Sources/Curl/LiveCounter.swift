import Synchronization

/// A thread-safe count of live objects.
final class LiveCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { self.count.load(ordering: .acquiring) }

    func increment() {
        self.count.wrappingAdd(1, ordering: .acquiringAndReleasing)
    }

    func decrement() {
        self.count.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }
}
