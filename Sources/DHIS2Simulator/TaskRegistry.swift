import Synchronization

/// Job notifications and summaries behind `/api/system/tasks` and `/api/system/taskSummaries` (reference §5.4).
final class TaskRegistry: Sendable {
    struct Notification: Sendable {
        var uid: String
        var level: String
        var category: String
        var time: Timestamp
        var message: String
        var completed: Bool

        /// Field order of `Notification.java`, with the getter-only `id` last.
        var json: JSONValue {
            .object([
                JSONMember("uid", .string(uid)), JSONMember("level", .string(level)),
                JSONMember("category", .string(category)), JSONMember("time", .string(time.isoNoZone)),
                JSONMember("message", .string(message)), JSONMember("completed", .bool(completed)),
                JSONMember("id", .string(uid)),
            ])
        }
    }

    private struct State {
        /// Job type → job ids in start order.
        var jobs: [String: [String]] = [:]
        /// Job id → notifications, oldest first.
        var notifications: [String: [Notification]] = [:]
        var summaries: [String: JSONValue] = [:]
        var running: Set<String> = []
        /// Job type → the failure message the next job of that type ends with.
        var failures: [String: String] = [:]
        var generator: SplitMix64
    }

    private let state: Mutex<State>

    init(seed: UInt64) {
        state = Mutex(State(generator: SplitMix64.stream(seed: seed, label: "jobs")))
    }

    func newUID() -> String {
        state.withLock { UID.generate(using: &$0.generator) }
    }

    func start(type: String, id: String) {
        state.withLock { state in
            state.jobs[type, default: []].append(id)
            state.notifications[id] = []
            state.running.insert(id)
        }
    }

    func isRunning(type: String) -> Bool {
        state.withLock { state in state.jobs[type, default: []].contains { state.running.contains($0) } }
    }

    func notify(type: String, id: String, _ message: String, level: String = "INFO", completed: Bool = false) {
        state.withLock { state in
            let uid = UID.generate(using: &state.generator)
            state.notifications[id, default: []].append(
                Notification(
                    uid: uid,
                    level: level,
                    category: type,
                    time: .now(),
                    message: message,
                    completed: completed
                )
            )
            if completed { state.running.remove(id) }
        }
    }

    /// Makes the next job of `type` fail with `message`.
    func failNext(type: String, message: String) {
        state.withLock { $0.failures[type] = message }
    }

    /// The failure armed for the job of `type` being started, used up by this call.
    func takeFailure(type: String) -> String? {
        state.withLock { $0.failures.removeValue(forKey: type) }
    }

    func setSummary(id: String, _ summary: JSONValue) {
        state.withLock { $0.summaries[id] = summary }
    }

    /// Notifications of one job, newest first; nil when the job is unknown.
    func notifications(id: String) -> [Notification]? {
        state.withLock { $0.notifications[id].map { Array($0.reversed()) } }
    }

    func jobs(type: String) -> [String] {
        state.withLock { $0.jobs[type] ?? [] }
    }

    var types: [String] { state.withLock { $0.jobs.keys.sorted() } }

    func summary(id: String) -> JSONValue? {
        state.withLock { $0.summaries[id] }
    }

    /// Empties one job's feed, as 2.44 does shortly after a job failed.
    func clear(id: String) {
        state.withLock { state in
            if state.notifications[id] != nil { state.notifications[id] = [] }
        }
    }

    func clear(type: String?) {
        state.withLock { state in
            if let type {
                for id in state.jobs[type] ?? [] { state.notifications[id] = [] }
            } else {
                for id in state.notifications.keys { state.notifications[id] = [] }
            }
        }
    }
}
