import DHIS2
import DHIS2Periods
import Foundation
import Logging
import Postgres
import Synchronization

/// Runs a pair for a period selection (backlog) or since its watermarks (incremental): plan, resume,
/// move the slices, close the run.
///
/// Slices run concurrently (``Settings/concurrency``); a failing slice is retried with backoff, then
/// marked failed, and never stops the others. The pair's advisory lock keeps two processes off one
/// pair. A cancelled run leaves its unfinished slices planned, so the next run resumes them.
public struct SyncRunner: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Slices in flight at once.
        public var concurrency = 4
        /// Attempts per slice before it is marked failed.
        public var maxAttempts = 3
        /// Wait before the second attempt; doubles for each further one.
        public var retryDelay: Duration = .seconds(2)
        /// Incremental runs read every period ending in the last this many days (and open future ones):
        /// wide enough for late reporting, and the first run's backlog when a data set has no watermark.
        public var incrementalWindowDays = 730
        /// Incremental exports start this long before the watermark: DHIS2 shifts `lastUpdated` by its
        /// time zone and commits slowly, and values delivered twice come back `ignored`.
        public var incrementalOverlap: Duration = .seconds(300)
        /// How long a run waits for the destination's after-run analytics refresh (pairs that ask for one).
        public var analyticsTimeout: Duration = .seconds(6 * 3600)
        /// How often that refresh's task notifications are read.
        public var analyticsPollInterval: Duration = .seconds(5)

        public init() {}
    }

    /// What a run asks for.
    public struct Request: Sendable, Hashable {
        /// The backlog window; ignored by an incremental run.
        public var selection: PeriodSelection
        /// Changes since each data set's watermark, instead of a backlog window.
        public var incremental = false
        /// Narrows the pair's org units by name (case-insensitive); empty means all of them.
        public var districts: [String] = []
        public var dryRun = false
        /// The day period flags are relative to.
        public var today = CalendarDate.today()
        /// Check the destination's metadata before the pair's first run (`--skip-preflight` turns it off).
        public var preflight = true
        /// Re-send exactly these slices instead of planning (`conflicts retry`, `verify --repair`).
        public var resend: Resend?

        /// Named slices sent again, recorded as a run of their own kind.
        public struct Resend: Sendable, Hashable {
            public var kind: RunLedger.Kind
            public var slices: [SliceKey]

            public init(kind: RunLedger.Kind, slices: [SliceKey]) {
                self.kind = kind
                self.slices = slices
            }
        }

        public init(selection: PeriodSelection) {
            self.selection = selection
        }

        /// An incremental run (`run --incremental`).
        public static func incremental() -> Request {
            var request = Request(selection: .currentDate)
            request.incremental = true
            return request
        }

        var label: String { resend.map { "\($0.kind)" } ?? (incremental ? "--incremental" : "\(selection)") }

        var kind: RunLedger.Kind { resend?.kind ?? (incremental ? .incremental : .backlog) }
    }

    /// Progress, as slices finish.
    public struct Progress: Sendable, Hashable {
        public var pair: String
        public var slicesDone: Int
        public var slicesFailed: Int
        public var slicesTotal: Int
        public var valuesRead: Int
        public var elapsed: Duration
    }

    /// A pair's run outcome.
    public struct Outcome: Sendable, Hashable {
        public var pair: String
        /// Nil for a dry run, which writes nothing anywhere.
        public var runID: Int?
        public var resumed: Bool
        public var state: String
        public var slices: Int
        public var slicesDone: Int
        public var slicesFailed: Int
        public var counts: SliceCounts
        public var seconds: Double
        /// Conflicts of a dry run (a real run's are in the ledger), at most a screenful.
        public var sampleConflicts: [RunLedger.Conflict] = []
        public var skippedDataSets: [String: String] = [:]
        /// The after-run analytics refresh, when the pair asks for one and the run changed data.
        public var analytics: String?
        /// Middleware mode: what the middleware accepted and refused, in one line.
        public var middleware: String?
        /// Values not sent because an id of theirs has no confirmed mapping (see `status`).
        public var quarantined = 0
    }

    let connection: PostgresConnection
    let settings: Settings
    let logger: Logger

    public init(connection: PostgresConnection, settings: Settings = Settings(), logger: Logger) {
        self.connection = connection
        self.settings = settings
        self.logger = logger
    }

    /// Runs one pair. Throws when the run cannot start (lock held, nothing to plan, bad districts);
    /// slice failures are in the outcome, not thrown.
    public func run(
        _ pair: Pair,
        _ request: Request,
        source: DHIS2Client,
        destination: DHIS2Client,
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Outcome {
        return try await PairLock(connection: connection, pair: pair).holding {
            try await runLocked(pair, request, source: source, destination: destination, progress)
        }
    }

    /// The first run of a pair waits for a clean pre-flight check: a destination missing metadata would
    /// otherwise answer every value with a conflict.
    private func preflight(
        _ pair: Pair,
        window: PeriodWindow,
        today: CalendarDate,
        source: DHIS2Client,
        destination: DHIS2Client
    ) async throws {
        // Periods still to come are not sent yet (an incremental window reaches a year ahead).
        let upper = min(window.range.upperBound, today)
        let checked = window.range.lowerBound <= upper ? PeriodWindow(range: window.range.lowerBound...upper) : window
        let report = try await PairChecker(connection: connection, logger: logger)
            .check(pair, window: checked, today: today, source: source, destination: destination)
        guard report.isClean else {
            throw SyncError(
                .preflight,
                "pair \(pair.name) has not run yet and its pre-flight check found \(report.problems.count) problems on "
                    + "the destination (\(report.summary)); `dhis2-sync pair check \(pair.name)` lists them: fix the "
                    + "destination's metadata (or map the ids), or run with --skip-preflight"
            )
        }
        logger.info("pre-flight check of pair \(pair.name): no problems")
    }

    private func runLocked(
        _ pair: Pair,
        _ request: Request,
        source: DHIS2Client,
        destination: DHIS2Client,
        _ progress: @escaping @Sendable (Progress) -> Void
    ) async throws -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        var logger = self.logger
        logger[metadataKey: "pair"] = "\(pair.name)"
        let catalog = PairCatalog(connection: connection)
        _ = try await PairRefresher(catalog: catalog, logger: logger).orgUnits(of: pair, source: source)
        let runPlan = try await RunPlan.make(
            pair,
            request,
            catalog: catalog,
            incrementalWindowDays: settings.incrementalWindowDays
        )
        let (window, plan, dataSetByUID) = (runPlan.window, runPlan.plan, runPlan.dataSets)
        for (uid, reason) in plan.skipped.sorted(by: { $0.key < $1.key }) {
            logger.warning("data set \(uid) is skipped: \(reason)")
        }
        let serverDate: String?
        var scope: SliceTransfer.IncrementalScope?
        if request.incremental {
            // The watermark is the source's clock, never ours: the two may disagree by minutes or zones.
            guard let date = try await source.systemInfo().serverDate, !date.isEmpty else {
                throw SyncError(
                    .invalidInput,
                    "the source \(pair.source.name) does not report serverDate in /api/system/info, which an "
                        + "incremental run needs as its watermark; run backlogs with period flags instead"
                )
            }
            serverDate = date
            scope = SliceTransfer.IncrementalScope(
                startDate: window.range.lowerBound.iso,
                endDate: window.range.upperBound.iso,
                lastUpdated: try await WatermarkStore(connection: connection)
                    .exportStarts(pairID: pair.id, overlap: settings.incrementalOverlap)
            )
        } else {
            serverDate = try? await source.systemInfo().serverDate
        }

        let transfer = SliceTransfer(
            pair: pair,
            source: source,
            destination: destination,
            middleware: MiddlewareClient(pair: pair, http: destination.httpClient),
            dryRun: request.dryRun,
            incremental: scope,
            translator: try await MappingStore(connection: connection).translator(pairID: pair.id),
            logger: logger
        )
        if request.dryRun {
            return try await dryRun(pair, plan, dataSetByUID, transfer, started, progress)
        }

        let ledger = RunLedger(connection: connection)
        if request.preflight, try await !ledger.hasRuns(pairID: pair.id) {
            try await preflight(pair, window: window, today: request.today, source: source, destination: destination)
        }
        let selection = request.districts.map { $0.lowercased() }.sorted().joined(separator: ",")
        let start = try await ledger.begin(
            pairID: pair.id,
            kind: request.kind,
            window: window,
            selection: selection,
            sourceServerDate: serverDate
        )
        try await ledger.addSlices(runID: start.runID, pairID: pair.id, plan.slices)
        let pending = try await ledger.pendingSlices(runID: start.runID)
        let total = try await ledger.sliceStates(runID: start.runID).values.reduce(0, +)
        let verb = start.resumed ? "resuming" : "starting"
        logger.info(
            "\(verb) run \(start.runID) of pair \(pair.name): \(pending.count) of \(total) slices to do (\(request.label))",
            metadata: ["run": "\(start.runID)"]
        )
        let tracker = ProgressTracker(
            pair: pair.name,
            total: total,
            alreadyDone: total - pending.count,
            started: started,
            report: progress
        )
        let sliceLogger = logger
        var cancelled = false
        await withTaskGroup(of: Void.self) { group in
            var iterator = pending.makeIterator()
            func startNext() -> Bool {
                guard let slice = iterator.next() else { return false }
                group.addTask {
                    await self.runSlice(
                        slice,
                        runID: start.runID,
                        pair: pair,
                        dataSet: dataSetByUID[slice.key.dataSet],
                        transfer: transfer,
                        ledger: ledger,
                        tracker: tracker,
                        logger: sliceLogger
                    )
                }
                return true
            }
            for _ in 0..<max(1, settings.concurrency) where !startNext() { break }
            while await group.next() != nil {
                if Task.isCancelled {
                    cancelled = true
                    continue
                }
                _ = startNext()
            }
        }
        let totals = try await ledger.finish(
            runID: start.runID,
            abandoned: cancelled,
            error: cancelled ? "cancelled; a rerun with the same flags resumes it" : nil
        )
        if request.resend?.kind != .retry {
            // A retry settles its own ledger and reports what it settled.
            let settled = try await ConflictLedger(connection: connection).settle(pairID: pair.id, runID: start.runID)
            if settled.resolved + settled.superseded > 0 {
                logger.info(
                    "conflict ledger: \(settled.resolved) earlier conflicts resolved, \(settled.superseded) replaced",
                    metadata: ["run": "\(start.runID)"]
                )
            }
        }
        if request.incremental && !cancelled {
            let advanced = try await WatermarkStore(connection: connection).advance(runID: start.runID)
            if !advanced.isEmpty {
                logger.info(
                    "watermark of \(advanced.count) data set(s) moved to the source's \(serverDate ?? "")",
                    metadata: ["run": "\(start.runID)"]
                )
            }
        }
        var analytics: String?
        if AnalyticsAfterRun.isWanted(pair, counts: totals.counts, cancelled: cancelled, dryRun: request.dryRun) {
            let refresh = AnalyticsAfterRun(
                timeout: settings.analyticsTimeout,
                pollInterval: settings.analyticsPollInterval,
                logger: logger
            )
            let outcome = await refresh.refresh(
                destination,
                lastYears: AnalyticsAfterRun.lastYears(window: window, today: request.today)
            )
            try await ledger.recordAnalytics(runID: start.runID, outcome: outcome.description)
            if case .completed = outcome {
                logger.info("analytics \(outcome)", metadata: ["run": "\(start.runID)"])
            } else {
                logger.warning("analytics \(outcome)", metadata: ["run": "\(start.runID)"])
            }
            analytics = outcome.description
        }
        SyncMetrics.run(
            pair: pair.name,
            kind: request.kind.rawValue,
            state: totals.state,
            duration: clock.now - started,
            finishedAt: Date().timeIntervalSince1970
        )
        return Outcome(
            pair: pair.name,
            runID: start.runID,
            resumed: start.resumed,
            state: totals.state,
            slices: totals.slices,
            slicesDone: totals.slicesDone,
            slicesFailed: totals.slicesFailed,
            counts: totals.counts,
            seconds: (clock.now - started) / .seconds(1),
            skippedDataSets: plan.skipped,
            analytics: analytics,
            middleware: try await MiddlewareLedger(connection: connection).summary(runID: start.runID, pair: pair),
            quarantined: try await MappingStore(connection: connection).quarantinedCount(runID: start.runID)
        )
    }

    /// One slice with its retries; records everything in the ledger, throws nothing.
    private func runSlice(
        _ slice: RunLedger.PendingSlice,
        runID: Int,
        pair: Pair,
        dataSet: PairCatalog.StoredDataSet?,
        transfer: SliceTransfer,
        ledger: RunLedger,
        tracker: ProgressTracker,
        logger: Logger
    ) async {
        var logger = logger
        logger[metadataKey: "slice"] = "\(slice.key)"
        var delay = settings.retryDelay
        let started = ContinuousClock.now
        for attempt in 1...max(1, settings.maxAttempts) {
            do {
                guard let dataSet else {
                    throw SliceTransfer.Failure(description: "data set \(slice.key.dataSet) is no longer in the pair")
                }
                try await ledger.startAttempt(sliceID: slice.id)
                let read = try await transfer.run(slice.key, dataSet: dataSet) { batch in
                    if let answer = batch.middleware {
                        try await MiddlewareLedger(connection: connection)
                            .record(answer, pairID: pair.id, runID: runID, sliceID: slice.id)
                        guard answer.accepted else { return }
                    }
                    try await ledger.recordBatch(
                        sliceID: slice.id,
                        runID: runID,
                        pairID: pair.id,
                        counts: batch.counts,
                        conflicts: batch.conflicts
                    )
                    tracker.add(values: batch.counts.valuesRead)
                    SyncMetrics.batch(
                        pair: pair.name,
                        batch.counts,
                        conflictCodes: batch.conflicts.map { $0.row.errorCode ?? "none" }
                    )
                } quarantined: { values in
                    let added = try await MappingStore(connection: connection)
                        .quarantine(values, pairID: pair.id, runID: runID)
                    SyncMetrics.quarantined(pair: pair.name, count: added)
                }
                try await ledger.complete(sliceID: slice.id, valuesRead: read)
                tracker.finished(failed: false)
                SyncMetrics.slice(pair: pair.name, duration: ContinuousClock.now - started, failed: false)
                logger.debug("slice done: \(read) values read")
                return
            } catch {
                if Task.isCancelled || error is CancellationError {
                    _ = try? await ledger.release(sliceID: slice.id)
                    return
                }
                let message = "\(error)"
                let final = attempt >= settings.maxAttempts
                let next = final ? "marking it failed" : "retrying in \(delay)"
                logger.warning("slice attempt \(attempt) of \(settings.maxAttempts) failed: \(message); \(next)")
                _ = try? await ledger.fail(sliceID: slice.id, error: message)
                if final {
                    tracker.finished(failed: true)
                    SyncMetrics.slice(pair: pair.name, duration: ContinuousClock.now - started, failed: true)
                    return
                }
                SyncMetrics.retry(pair: pair.name)
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return
                }
                delay *= 2
            }
        }
    }

    /// A dry run: the destination evaluates every batch with `dryRun=true`; nothing is written to it
    /// or to the database.
    private func dryRun(
        _ pair: Pair,
        _ plan: SlicePlanner.Plan,
        _ dataSetByUID: [String: PairCatalog.StoredDataSet],
        _ transfer: SliceTransfer,
        _ started: ContinuousClock.Instant,
        _ progress: @escaping @Sendable (Progress) -> Void
    ) async throws -> Outcome {
        let tracker = ProgressTracker(
            pair: pair.name,
            total: plan.slices.count,
            alreadyDone: 0,
            started: started,
            report: progress
        )
        var counts = SliceCounts()
        var samples: [RunLedger.Conflict] = []
        var failed = 0
        for slice in plan.slices {
            guard let dataSet = dataSetByUID[slice.dataSet] else { continue }
            do {
                var sliceCounts = SliceCounts()
                let read = try await transfer.run(slice, dataSet: dataSet) { batch in
                    sliceCounts += batch.counts
                    if samples.count < 20 { samples += batch.conflicts.prefix(20 - samples.count) }
                    tracker.add(values: batch.counts.valuesRead)
                } quarantined: { values in
                    logger.warning(
                        "dry run of slice \(slice): \(values.count) values would be quarantined (\(values[0].reason))"
                    )
                }
                sliceCounts.valuesRead = read
                counts += sliceCounts
                tracker.finished(failed: false)
            } catch {
                try Task.checkCancellation()
                failed += 1
                tracker.finished(failed: true)
                logger.warning("dry run of slice \(slice) failed: \(error)")
            }
        }
        return Outcome(
            pair: pair.name,
            runID: nil,
            resumed: false,
            state: failed == 0 ? "done" : "failed",
            slices: plan.slices.count,
            slicesDone: plan.slices.count - failed,
            slicesFailed: failed,
            counts: counts,
            seconds: (ContinuousClock.now - started) / .seconds(1),
            sampleConflicts: samples,
            skippedDataSets: plan.skipped
        )
    }
}

/// Counts finished slices and values across concurrent slice tasks, and reports progress.
final class ProgressTracker: Sendable {
    private struct State {
        var done: Int
        var failed = 0
        var values = 0
    }

    private let state: Mutex<State>
    private let pair: String
    private let total: Int
    private let started: ContinuousClock.Instant
    private let report: @Sendable (SyncRunner.Progress) -> Void

    init(
        pair: String,
        total: Int,
        alreadyDone: Int,
        started: ContinuousClock.Instant,
        report: @escaping @Sendable (SyncRunner.Progress) -> Void
    ) {
        self.state = Mutex(State(done: alreadyDone))
        self.pair = pair
        self.total = total
        self.started = started
        self.report = report
    }

    func add(values: Int) {
        let snapshot = state.withLock { state in
            state.values += values
            return state
        }
        emit(snapshot)
    }

    func finished(failed: Bool) {
        let snapshot = state.withLock { state in
            if failed { state.failed += 1 } else { state.done += 1 }
            return state
        }
        emit(snapshot)
    }

    private func emit(_ state: State) {
        report(
            SyncRunner.Progress(
                pair: pair,
                slicesDone: state.done,
                slicesFailed: state.failed,
                slicesTotal: total,
                valuesRead: state.values,
                elapsed: ContinuousClock.now - started
            )
        )
    }
}
