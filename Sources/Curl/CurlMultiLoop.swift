import CCurl
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one `CURLM` and the dedicated thread that drives it.
///
/// libcurl blocks in `curl_multi_poll`, so it must never run on Swift's cooperative pool, and a handle must
/// only be touched by one thread. Every other thread talks to the loop by posting a ``Command`` and waking
/// the poll with `curl_multi_wakeup` (the one multi call that is safe from any thread). All per-transfer
/// state lives in ``CurlWorker`` on the loop thread.
final class CurlMultiLoop: Sendable {
    enum Command: Sendable {
        case start(TransferStart)
        /// The body consumer drained its buffer: stop pausing receive.
        case resumeReceive(UInt64)
        /// The upload producer delivered data or ended: stop pausing send.
        case resumeSend(UInt64)
        case cancel(UInt64)
    }

    private enum RunState {
        case running
        /// No new transfers; exit once the running ones are done.
        case draining
        /// Cancel everything, then exit.
        case cancelling
        case stopped
    }

    private struct Shared {
        var commands: [Command] = []
        var state = RunState.running
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let shared = Mutex(Shared())
    private let nextID = Atomic<UInt64>(1)
    /// Transfer contexts alive right now: lets tests prove that every path frees its transfer.
    let liveTransfers = LiveCounter()
    /// Written once in `init`; afterwards used by the loop thread, plus `curl_multi_wakeup` (thread-safe)
    /// under the `shared` lock, which also orders it before `curl_multi_cleanup`.
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer
    let logger: Logger

    init(logger: Logger) {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed (out of memory)")
        }
        self.multi = multi
        self.logger = logger
    }

    func makeTransferID() -> UInt64 {
        self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Starts the loop thread. The thread keeps the loop alive until it exits.
    func startThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, nil, curlLoopThreadMain, context)
        guard result == 0 else {
            fatalError("cannot start the curl thread: pthread_create returned \(result)")
        }
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
    }

    /// Posts a command to the loop thread. Returns `false` if it was refused: starts are refused once the
    /// client shuts down, everything once the thread has exited.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        self.shared.withLock { shared in
            switch (shared.state, command) {
            case (.stopped, _), (.draining, .start), (.cancelling, .start):
                return false
            default:
                shared.commands.append(command)
                curl_multi_wakeup(self.multi)
                return true
            }
        }
    }

    /// No new transfers; the thread exits once the running ones are finished.
    func stopWhenIdle() {
        self.shared.withLock { shared in
            if shared.state == .running {
                shared.state = .draining
                curl_multi_wakeup(self.multi)
            }
        }
    }

    /// Cancels running transfers and waits for the thread to exit.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyStopped = self.shared.withLock { shared -> Bool in
                switch shared.state {
                case .stopped:
                    return true
                case .running, .draining, .cancelling:
                    shared.state = .cancelling
                    shared.exitWaiters.append(continuation)
                    curl_multi_wakeup(self.multi)
                    return false
                }
            }
            if alreadyStopped {
                continuation.resume()
            }
        }
    }

    // MARK: Loop thread

    fileprivate func run() {
        let worker = CurlWorker(multi: self.multi, loop: self, logger: self.logger)
        while true {
            let (commands, state) = self.shared.withLock { shared in
                defer { shared.commands.removeAll(keepingCapacity: true) }
                return (shared.commands, shared.state)
            }
            for command in commands {
                worker.handle(command)
            }
            if state == .cancelling {
                worker.cancelAll()
            }
            if state != .running && worker.isIdle {
                let exit = self.shared.withLock { shared -> Bool in
                    guard shared.commands.isEmpty else {
                        return false
                    }
                    shared.state = .stopped
                    return true
                }
                if exit {
                    break
                }
                continue
            }
            worker.performAndPoll()
        }
        // `stopped` is set, so nobody calls curl_multi_wakeup any more.
        curl_multi_cleanup(self.multi)
        let waiters = self.shared.withLock { shared in
            defer { shared.exitWaiters.removeAll() }
            return shared.exitWaiters
        }
        self.logger.debug("curl loop thread exited")
        for waiter in waiters {
            waiter.resume()
        }
    }
}

#if canImport(Glibc)
private func curlLoopThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<CurlMultiLoop>.fromOpaque(context!).takeRetainedValue().run()
    return nil
}
#elseif canImport(Darwin)
private func curlLoopThreadMain(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    Unmanaged<CurlMultiLoop>.fromOpaque(context).takeRetainedValue().run()
    return nil
}
#endif
