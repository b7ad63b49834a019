import Synchronization

/// Results of data integrity runs, per kind and check name: what `GET /api/dataIntegrity/summary|details`
/// answer. Only completed checks are held; DHIS2 caches them for an hour, the simulator for its lifetime.
final class IntegrityStore: Sendable {
    enum Kind: String, Sendable {
        case summary, details

        var jobType: String { self == .summary ? "DATA_INTEGRITY" : "DATA_INTEGRITY_DETAILS" }
    }

    private struct State {
        var completed: [Kind: [String: JSONValue]] = [:]
        var running: [Kind: Set<String>] = [:]
    }

    private let state = Mutex(State())

    func begin(_ kind: Kind, _ names: [String]) {
        state.withLock { $0.running[kind, default: []].formUnion(names) }
    }

    func finish(_ kind: Kind, _ name: String, _ result: JSONValue) {
        state.withLock { state in
            state.running[kind]?.remove(name)
            state.completed[kind, default: [:]][name] = result
        }
    }

    /// A failed job: its remaining checks stop running without a result.
    func abandon(_ kind: Kind, _ names: [String]) {
        state.withLock { $0.running[kind]?.subtract(names) }
    }

    func completed(_ kind: Kind) -> [String: JSONValue] {
        state.withLock { $0.completed[kind] ?? [:] }
    }

    func running(_ kind: Kind) -> Set<String> {
        state.withLock { $0.running[kind] ?? [] }
    }
}
