import Testing

@testable import Sync

struct ScheduleTests {
    @Test func pairsRunOnTheirIntervalFromTheirLastStart() throws {
        var schedule = Schedule(retryAfter: .seconds(60))
        schedule.track(pair: "a", interval: .seconds(900), lastStart: nil, now: 0)
        schedule.track(pair: "b", interval: .seconds(300), lastStart: -200, now: 0)
        // a never ran: due now; b ran 200 s ago every 300 s: due in 100 s.
        var next = try #require(schedule.next(now: 0))
        #expect(next.pair == "a" && next.wait == .zero)
        schedule.finished(pair: "a", start: 0, result: .done, now: 30)
        next = try #require(schedule.next(now: 30))
        #expect(next.pair == "b" && next.wait == .seconds(70))
        // A slow run does not drift the schedule: a is due 900 s after it started, not after it ended.
        schedule.finished(pair: "b", start: 100, result: .done, now: 150)
        next = try #require(schedule.next(now: 150))
        #expect(next.pair == "b" && next.wait == .seconds(250))
        // A run longer than its interval is due again as soon as it ends.
        schedule.finished(pair: "b", start: 400, result: .done, now: 1000)
        next = try #require(schedule.next(now: 1000))
        #expect(next.pair == "b" || next.pair == "a")
        #expect(next.wait == .zero)
    }

    @Test func failedAndLockedPairsWaitInsteadOfSpinning() throws {
        var schedule = Schedule(retryAfter: .seconds(60))
        schedule.track(pair: "a", interval: .seconds(900), lastStart: nil, now: 0)
        schedule.finished(pair: "a", start: 0, result: .failed, now: 1)
        // Re-reading the pairs (a run that failed before it was recorded still has no last start) must not
        // make it due at once.
        schedule.track(pair: "a", interval: .seconds(900), lastStart: nil, now: 2)
        var next = try #require(schedule.next(now: 2))
        #expect(next.wait == .seconds(59))
        schedule.finished(pair: "a", start: 61, result: .locked, now: 61)
        next = try #require(schedule.next(now: 61))
        #expect(next.wait == .seconds(60))
        // A short interval caps the retry wait.
        schedule.track(pair: "a", interval: .seconds(20), lastStart: nil, now: 61)
        schedule.finished(pair: "a", start: 121, result: .failed, now: 121)
        #expect(try #require(schedule.next(now: 121)).wait == .seconds(20))
    }

    @Test func disabledPairsAreForgotten() {
        var schedule = Schedule()
        schedule.track(pair: "a", interval: .seconds(60), lastStart: nil, now: 0)
        schedule.track(pair: "b", interval: .seconds(60), lastStart: nil, now: 0)
        schedule.retain(["b"])
        #expect(schedule.next(now: 0)?.pair == "b")
        schedule.retain([])
        #expect(schedule.next(now: 0) == nil)
    }
}
