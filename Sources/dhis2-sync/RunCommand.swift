import ArgumentParser
import Curl
import DHIS2
import Foundation
import Logging
import Postgres
import Sync

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Sync pairs for a period window (backlog), resuming an unfinished run with the same flags."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var window: WindowOptions
    @Flag(help: "What changed since each data set's watermark (lastUpdated on the source's clock), for cron.")
    var incremental = false
    @Flag(help: "Ask the destination what would change (dryRun=true); write nothing anywhere.") var dryRun = false
    @Flag(help: "Do not wait for a clean pre-flight check before a pair's first run (see `pair check`).")
    var skipPreflight = false

    func validate() throws {
        guard incremental else { return try window.check() }
        let periodFlags: Bool
        do {
            periodFlags = try window.selection() != nil
        } catch {
            throw ValidationError(error.message)
        }
        if periodFlags {
            throw ValidationError(
                "--incremental reads what changed since each data set's watermark; drop the period flags, "
                    + "or drop --incremental for a backlog run"
            )
        }
    }

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            // A bad configuration file is reported before anything else happens.
            let settings = try global.runnerSettings()
            let connection = try await global.connectDatabase(logger: logger)
            let chosen = try await window.chosenPairs(PairStore(connection: connection))
            var request = incremental ? .incremental() : try window.request()
            request.districts = window.districtNames
            request.dryRun = dryRun
            request.preflight = !skipPreflight
            let runner = SyncRunner(connection: connection, settings: settings, logger: logger)
            var failures: [String] = []
            for pair in chosen {
                let outcome = try await SyncSession.run(pair, request, runner: runner, logger: logger)
                print(RunReport.summary(outcome))
                if outcome.state != "done" { failures.append(pair.name) }
            }
            if !failures.isEmpty {
                throw CLIError(
                    "run did not complete for \(failures.joined(separator: ", ")): failed slices stay in the ledger; "
                        + "`dhis2-sync status` shows them and rerunning with the same flags retries them"
                )
            }
        }
    }
}

/// One pair's run with its HTTP client, progress display and cancellation on SIGINT/SIGTERM.
enum SyncSession {
    static func run(
        _ pair: Pair,
        _ request: SyncRunner.Request,
        runner: SyncRunner,
        logger: Logger
    ) async throws -> SyncRunner.Outcome {
        let http = HTTPClient(logger: logger)
        let source = DHIS2Client(instance: pair.source, http: http, logger: logger)
        let destination = DHIS2Client(instance: pair.destination, http: http, logger: logger)
        let display = ProgressDisplay(logger: logger)
        let task = Task {
            try await runner.run(pair, request, source: source, destination: destination) { display.show($0) }
        }
        let signals = SignalCancellation { task.cancel() }
        defer { signals.stop() }
        do {
            let outcome = try await task.value
            display.finish()
            await http.shutdown()
            return outcome
        } catch {
            display.finish()
            await http.shutdown()
            throw error
        }
    }
}

/// The lines a run prints.
enum RunReport {
    static func summary(_ outcome: SyncRunner.Outcome) -> String {
        let counts = outcome.counts
        let rate = outcome.seconds > 0 ? Int(Double(counts.valuesRead) / outcome.seconds) : 0
        let verb = outcome.runID == nil ? "dry run" : "run \(outcome.runID ?? 0)\(outcome.resumed ? " (resumed)" : "")"
        var lines = [
            "pair \(outcome.pair) \(verb) \(outcome.state): slices \(outcome.slicesDone)/\(outcome.slices) done"
                + (outcome.slicesFailed > 0 ? ", \(outcome.slicesFailed) failed" : ""),
            "  values read \(counts.valuesRead), imported \(counts.imported), updated \(counts.updated), "
                + "ignored \(counts.ignored), deleted \(counts.deleted), conflicts \(counts.conflicts)",
            String(format: "  %.1f s, %d values/s", outcome.seconds, rate),
        ]
        if outcome.runID == nil {
            lines.append("  (dry run: the destination evaluated every batch with dryRun=true; nothing was written)")
            for conflict in outcome.sampleConflicts {
                lines.append("  would conflict: \(ConflictReport.line(conflict.row, value: conflict.value))")
            }
        }
        for (uid, reason) in outcome.skippedDataSets.sorted(by: { $0.key < $1.key }) {
            lines.append("  data set \(uid) skipped: \(reason)")
        }
        if let analytics = outcome.analytics { lines.append("  analytics on the destination \(analytics)") }
        if let middleware = outcome.middleware { lines.append("  \(middleware)") }
        if outcome.quarantined > 0 {
            lines.append(
                "  quarantined \(outcome.quarantined) values with an id that has no confirmed mapping (not sent): "
                    + "`dhis2-sync status --pair \(outcome.pair)` shows the reasons"
            )
        }
        return lines.joined(separator: "\n")
    }
}
