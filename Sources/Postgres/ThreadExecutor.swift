import Foundation

/// A serial executor that runs every job on one dedicated thread.
///
/// libpq calls block (network round trips, `PQgetResult`), and Swift's cooperative pool has one
/// thread per core, so a connection actor uses this executor: its methods may block freely
/// without starving unrelated tasks. One thread per connection also satisfies libpq's rule that a
/// `PGconn` is never used from two threads at once.
final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    // Guarded by `condition`; the thread and `enqueue` are the only users.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopping = false
    private var thread: pthread_t?

    init(name: String) {
        let thread = Thread { [self] in
            // Foundation on Linux names the OS thread only when set from the thread itself.
            Thread.current.name = name
            self.runLoop()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread exit once the queued jobs have run; the executor is released with it.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// True when called on the executor's own thread; the reliable check (thread names are best effort).
    var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    private func runLoop() {
        condition.lock()
        thread = pthread_self()
        condition.unlock()
        while let job = nextJob() {
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }

    private func nextJob() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count {
            if stopping { return nil }
            condition.wait()
        }
        let job = jobs[head]
        head += 1
        if head > 1024 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}
