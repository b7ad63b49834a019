import Synchronization

/// A fault the simulator injects into matching requests (tests and `dhis2-sim` flags).
public struct Fault: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Answer with this status and an error WebMessage instead of serving the request; `retryAfter` adds a
        /// `Retry-After` header (seconds), as rate limiters and proxies do with 429/503.
        case status(Int, retryAfter: Int? = nil)
        /// Serve a data value export with 200 but stop the body after this many values (no closing brackets).
        case truncateExport(afterValues: Int)
        /// Close the connection after this many response body bytes.
        case resetConnection(afterBytes: Int)
        /// Send the response body in small pieces with a pause between them.
        case slowDrip(bytesPerChunk: Int, interval: Duration)
        /// Wait before answering.
        case delay(Duration)
    }

    public var action: Action
    /// Path prefix the fault applies to, e.g. `/api/dataValueSets` (version prefixes are stripped first); nil
    /// matches every path.
    public var path: String?
    /// HTTP method the fault applies to; nil matches every method.
    public var method: String?
    /// How many matching requests the fault affects; nil means until cleared.
    public var count: Int?

    public init(_ action: Action, path: String? = nil, method: String? = nil, count: Int? = 1) {
        self.action = action
        self.path = path
        self.method = method
        self.count = count
    }
}

/// The active faults; each matching request consumes one use of every fault that applies to it.
final class FaultInjector: Sendable {
    private let faults = Mutex<[Fault]>([])

    func add(_ fault: Fault) {
        faults.withLock { $0.append(fault) }
    }

    func clear() {
        faults.withLock { $0.removeAll() }
    }

    var active: [Fault] { faults.withLock { $0 } }

    /// The actions that apply to this request, consuming one use of each.
    func take(method: String, path: String) -> [Fault.Action] {
        faults.withLock { faults in
            var actions: [Fault.Action] = []
            for index in faults.indices {
                let fault = faults[index]
                if let wanted = fault.method, wanted.uppercased() != method { continue }
                if let prefix = fault.path, !path.hasPrefix(prefix) { continue }
                if let count = fault.count, count <= 0 { continue }
                actions.append(fault.action)
                if let count = fault.count { faults[index].count = count - 1 }
            }
            faults.removeAll { $0.count.map { $0 <= 0 } ?? false }
            return actions
        }
    }
}
