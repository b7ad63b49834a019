import DHIS2
import DHIS2Periods
import DHIS2Simulator
import Postgres
import Sync
import TestSupport
import Testing

/// A pair's after-run analytics refresh: asked for once a run changed data at the destination, awaited
/// through the task API, its outcome kept with the run.
@Suite("Analytics refresh after a run", .enabled(if: TestDatabase.available))
struct AnalyticsAfterRunTests {
    /// Runs `selection` for `pair` with quick polling, as of the harness's reference date.
    private func run(
        _ harness: SyncHarness,
        _ pair: Pair,
        _ selection: PeriodSelection
    ) async throws -> SyncRunner.Outcome {
        var settings = SyncRunner.Settings()
        settings.analyticsPollInterval = .milliseconds(50)
        settings.analyticsTimeout = .seconds(60)
        var request = SyncRunner.Request(selection: selection)
        request.today = try #require(CalendarDate(iso: "2025-03-10"))
        return try await SyncRunner(connection: harness.connection, settings: settings, logger: harness.logger)
            .run(pair, request, source: harness.sourceClient, destination: harness.destinationClient)
    }

    private func analyticsRequests(_ harness: SyncHarness) -> [String] {
        harness.destination.requestLog
            .filter { $0.method == "POST" && $0.path.hasSuffix("/resourceTables/analytics") }
            .map(\.query)
    }

    private func storedOutcome(_ harness: SyncHarness, runID: Int?) async throws -> String? {
        let id = try #require(runID as Int?)
        return try await harness.connection.query("SELECT analytics_outcome FROM runs WHERE id = $1", [id])[0]
            .decode(String?.self, at: 0)
    }

    @Test func refreshesOnceAfterARunThatChangedDataAndNotAfterOneThatDidNot() async throws {
        try await SyncHarness.with { harness in
            // Off by default: a run that writes values asks for nothing.
            let plain = try await run(harness, harness.pair, .quarter(1, of: 2024))
            #expect(plain.counts.imported > 0)
            #expect(plain.analytics == nil)
            #expect(analyticsRequests(harness).isEmpty)

            try await PairStore(connection: harness.connection).setRefreshAnalytics(harness.pair.name, true)
            let pair = try await PairStore(connection: harness.connection).get(harness.pair.name)
            #expect(pair.refreshAnalytics)

            let outcome = try await run(harness, pair, .quarter(2, of: 2024))
            #expect(outcome.state == "done")
            #expect(outcome.counts.imported > 0)
            let analytics = try #require(outcome.analytics)
            #expect(analytics.hasPrefix("completed: "), "\(analytics)")
            // 2024 seen from 2025: this year and the one before.
            #expect(analyticsRequests(harness) == ["lastYears=2"])
            #expect(try await storedOutcome(harness, runID: outcome.runID) == analytics)

            // The same quarter again changes nothing at the destination: no refresh.
            let rerun = try await run(harness, pair, .quarter(2, of: 2024))
            #expect(rerun.counts.imported + rerun.counts.updated + rerun.counts.deleted == 0)
            #expect(rerun.analytics == nil)
            #expect(analyticsRequests(harness).count == 1)
            #expect(try await storedOutcome(harness, runID: rerun.runID) == nil)

            let status = try await StatusReport(connection: harness.connection).lines(for: pair)
            #expect(!status.joined().contains("analytics after the run"))
        }
    }

    @Test func aJobThatEndsAtErrorIsRecordedWithoutFailingTheRun() async throws {
        try await SyncHarness.with { harness in
            var pair = harness.pair
            pair.refreshAnalytics = true
            harness.destination.failNextJob("ANALYTICS_TABLE", message: "disk full")
            let outcome = try await run(harness, pair, .quarter(3, of: 2024))
            #expect(outcome.state == "done")
            let analytics = try #require(outcome.analytics)
            #expect(analytics.hasPrefix("failed: "), "\(analytics)")
            #expect(analytics.contains("disk full"))
            #expect(try await storedOutcome(harness, runID: outcome.runID) == analytics)
            let status = try await StatusReport(connection: harness.connection).lines(for: pair)
            #expect(status.contains { $0.contains("analytics after the run: failed: ") && $0.contains("disk full") })
        }
    }

    @Test func aRefreshAlreadyRunningOnTheDestinationIsSkippedAndSaysSo() async throws {
        var destination = SyncHarness.destinationConfiguration()
        destination.jobDelay = .seconds(5)
        try await SyncHarness.with(destination: destination) { harness in
            var pair = harness.pair
            pair.refreshAnalytics = true
            // Someone else's refresh is under way when the run ends.
            _ = try await harness.destinationClient.startAnalyticsRefresh()
            let outcome = try await run(harness, pair, .quarter(4, of: 2024))
            #expect(outcome.state == "done")
            let analytics = try #require(outcome.analytics)
            #expect(analytics.hasPrefix("skipped: an analytics job was already running"), "\(analytics)")
        }
    }
}
