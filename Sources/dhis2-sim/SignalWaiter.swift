#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Set from the signal handler; async-signal-safe because it is a lock-free atomic store.
private let terminationRequested = Atomic<Bool>(false)

/// Waits for SIGINT or SIGTERM without blocking a thread.
enum SignalWaiter {
    static func waitForTermination() async {
        let handler: @convention(c) (Int32) -> Void = { _ in terminationRequested.store(true, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        while !terminationRequested.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
