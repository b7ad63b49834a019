/// When each pair's next incremental run is due. Pure: the serve loop feeds it the clock and outcomes.
///
/// A pair runs `interval` after its previous run *started* (so a slow run does not drift the schedule),
/// but never sooner than `retryAfter` after a run that could not start (the pair was locked by another
/// process) or failed, so a broken pair does not spin.
public struct Schedule: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var pair: String
        public var interval: Duration
        /// The next moment the pair is due, on the schedule's clock (seconds since its epoch).
        public var due: Double
    }

    public private(set) var entries: [String: Entry] = [:]
    public var retryAfter: Duration

    public init(retryAfter: Duration = .seconds(60)) {
        self.retryAfter = retryAfter
    }

    /// Adds a pair, due `interval` after `lastStart` (nil: never ran, so due now). A pair already tracked
    /// keeps its due time, which the outcomes of this process set (a run that failed before it was
    /// recorded must not make the pair due again at once); only its interval is updated.
    public mutating func track(pair: String, interval: Duration, lastStart: Double?, now: Double) {
        if entries[pair] != nil {
            entries[pair]?.interval = interval
            return
        }
        entries[pair] = Entry(pair: pair, interval: interval, due: lastStart.map { $0 + interval / .seconds(1) } ?? now)
    }

    /// Forgets pairs that are no longer enabled.
    public mutating func retain(_ pairs: Set<String>) {
        entries = entries.filter { pairs.contains($0.key) }
    }

    /// The pair to run next and how long to wait for it (zero when overdue); nil when nothing is tracked.
    /// Ties go to the pair that has waited longest, then by name, so the order is stable.
    public func next(now: Double) -> (pair: String, wait: Duration)? {
        guard let entry = entries.values.min(by: { ($0.due, $0.pair) < ($1.due, $1.pair) }) else { return nil }
        return (entry.pair, .milliseconds(Int64(max(0, entry.due - now) * 1000)))
    }

    public enum Result: Sendable, Hashable {
        case done, failed, locked
    }

    /// Records a run that started at `start` and ended with `result` at `now`.
    public mutating func finished(pair: String, start: Double, result: Result, now: Double) {
        guard var entry = entries[pair] else { return }
        switch result {
        case .done:
            entry.due = max(start + entry.interval / .seconds(1), now)
        case .failed, .locked:
            entry.due = now + min(entry.interval, retryAfter) / .seconds(1)
        }
        entries[pair] = entry
    }
}
