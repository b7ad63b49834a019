import Curl
import DHIS2
import DHIS2Periods
import DHIS2Simulator
import Foundation
import JSONStream
import Logging
import Postgres
import Sync
import TestSupport
import Synchronization
import Testing

/// The sync engine end to end: a real PostgreSQL, a seeded source and an empty destination simulator over
/// real HTTP. Every test has a database and simulators of its own.
@Suite("Sync engine against PostgreSQL and two simulators", .enabled(if: TestDatabase.available))
struct SyncEngineTests {
    @Test func backlogYearCopiesEverythingAndARerunChangesNothing() async throws {
        try await SyncHarness.with { harness in
            let outcome = try await harness.run(.year(2024))
            #expect(outcome.state == "done")
            #expect(outcome.slicesFailed == 0)
            #expect(outcome.counts.imported > 100)
            #expect(outcome.counts.conflicts == 0)

            // The source holds comments, followups and deletions in 2024: the comparison below is only
            // meaningful if they are there to be copied.
            var comments = 0
            var followups = 0
            var deletions = 0
            harness.source.forEachValue { value in
                guard value.period?.hasPrefix("2024") == true else { return }
                if value.comment != nil { comments += 1 }
                if value.followup == true { followups += 1 }
                if value.deleted == true { deletions += 1 }
            }
            #expect(comments > 0 && followups > 0 && deletions > 0)

            let report = try await harness.verify(.year(2024))
            #expect(report.isEqual, "\(report.samples)")
            #expect(report.matching > 100)
            // Nothing outside the window was written.
            #expect(harness.destination.writtenValues().allSatisfy { $0.period?.hasPrefix("2024") == true })

            let rerun = try await harness.run(.year(2024))
            #expect(rerun.state == "done")
            #expect(rerun.resumed == false)
            #expect(rerun.runID != outcome.runID)
            // Unchanged values come back `ignored`, deletions of values the destination never had too (they
            // travel as importStrategy=DELETE, which leaves no tombstone behind).
            #expect(rerun.counts.imported == 0)
            #expect(rerun.counts.updated == 0)
            #expect(rerun.counts.deleted == 0)
            #expect(rerun.counts.ignored == rerun.counts.valuesRead)
            #expect(harness.destination.writtenValues().allSatisfy { $0.deleted != true })

            // An edit and a deletion at the source reach the destination on the next run.
            let live = harness.editableValues { $0.count == 6 }
            let edited = try #require(live.first)
            let removed = try #require(live.last { $0 != edited })
            var change = DataValueImportOptions()
            change.importStrategy = "CREATE_AND_UPDATE"
            var newValue = edited
            newValue.value = "9999"
            newValue.comment = "corrected by the district"
            #expect(try await harness.sourceClient.importDataValues([newValue], options: change).status == .success)
            change.importStrategy = "DELETE"
            #expect(try await harness.sourceClient.importDataValues([removed], options: change).status == .success)
            let third = try await harness.run(.year(2024))
            #expect(third.counts.updated == 1)
            #expect(third.counts.deleted == 1)
            #expect(third.counts.imported == 0)
            let copied = harness.destinationValue(at: edited)
            #expect(copied?.value == "9999" && copied?.comment == "corrected by the district")
            let gone = harness.destinationValue(at: removed)
            #expect(gone?.deleted == true)
            #expect(try await harness.verify(.year(2024)).isEqual)
        }
    }

    @Test func everyPeriodFlagSyncsExactlyItsWindow() async throws {
        try await SyncHarness.with { harness in
            let today = CalendarDate(year: 2025, month: 3, day: 10)!
            let cases: [(PeriodSelection, ClosedRange<CalendarDate>)] = [
                (
                    .month(2, of: 2024),
                    CalendarDate(year: 2024, month: 2, day: 1)!...CalendarDate(year: 2024, month: 2, day: 29)!
                ),
                (
                    .quarter(3, of: 2024),
                    CalendarDate(year: 2024, month: 7, day: 1)!...CalendarDate(year: 2024, month: 9, day: 30)!
                ),
                (
                    .period("2024W10"),
                    CalendarDate(year: 2024, month: 3, day: 4)!...CalendarDate(year: 2024, month: 3, day: 10)!
                ),
                (.daysBack(9), CalendarDate(year: 2025, month: 3, day: 1)!...today),
                (.currentDate, today...today),
            ]
            for (selection, range) in cases {
                var request = SyncRunner.Request(selection: selection)
                request.today = today
                let before = Set(harness.destination.writtenValues().map(SyncHarness.Key.init))
                let outcome = try await harness.run(request)
                #expect(outcome.state == "done", "\(selection)")
                let written = harness.destination.writtenValues().filter { !before.contains(SyncHarness.Key($0)) }
                for value in written {
                    let period = try #require(value.period.flatMap { Period.parse($0) })
                    #expect(range.contains(period.start) && range.contains(period.end), "\(selection): \(period.id)")
                }
                #expect(try await harness.verify(request).isEqual, "\(selection)")
            }
            // The windows in the past hold generated data; the month and quarter must have copied some.
            #expect(harness.destination.writtenValues().contains { $0.period == "202402" })
            #expect(harness.destination.writtenValues().contains { $0.period == "2024Q3" })
        }
    }

    @Test func districtsNarrowTheRunAndUnknownNamesAreRefused() async throws {
        try await SyncHarness.with { harness in
            let units = try await PairCatalog(connection: harness.connection).orgUnits(pairID: harness.pair.id)
            #expect(units.count == 4)
            let chosen = try #require(units.first)
            var request = SyncRunner.Request(selection: .quarter(1, of: 2024))
            request.districts = [chosen.name.uppercased()]
            let outcome = try await harness.run(request)
            #expect(outcome.state == "done")
            let written = harness.destination.writtenValues()
            #expect(!written.isEmpty)
            let paths = Dictionary(
                uniqueKeysWithValues: harness.source.metadata.organisationUnits.map { ($0.identity.id, $0.path) }
            )
            #expect(written.allSatisfy { paths[$0.orgUnit ?? ""]?.contains(chosen.uid) == true })

            request.districts = ["Atlantis District"]
            await #expect {
                try await harness.run(request)
            } throws: { error in
                "\(error)".contains("Atlantis District") && "\(error)".contains("pair show")
            }
        }
    }

    @Test func conflictsLandInTheLedgerWithTheSourceValue() async throws {
        var destination = SyncHarness.destinationConfiguration()
        destination.missingDataElements = ["DE_MAL_CONF"]
        try await SyncHarness.with(destination: destination) { harness in
            let outcome = try await harness.run(.month(3, of: 2024))
            #expect(outcome.state == "done")
            #expect(outcome.counts.conflicts > 0)
            #expect(outcome.counts.imported > 0)

            let malaria = try #require(
                harness.source.metadata.dataElements.first { $0.identity.code == "DE_MAL_CONF" }?.identity.id
            )
            let rows = try await harness.connection.query(
                "SELECT error_code, data_element, period, org_unit, value FROM conflicts WHERE run_id = $1",
                [outcome.runID]
            ).map { try $0.decode((String?, String?, String?, String?, String?).self) }
            #expect(rows.count == outcome.counts.conflicts)
            for (code, element, period, unit, value) in rows {
                #expect(code == "E7610")
                #expect(element == malaria)
                #expect(period == "202403")
                // The ledger's value is the source's, found through the conflict's index.
                let stored = harness.source.storedValue(dataElement: malaria, period: "202403", orgUnit: unit ?? "")
                #expect(stored == nil || value != nil)
            }
            // Every conflicting source value is named once.
            var expected = 0
            harness.source.forEachValue { value in
                if value.dataElement == malaria && value.period == "202403" && value.deleted != true { expected += 1 }
            }
            #expect(rows.filter { $0.4 != nil }.count >= expected)

            let lines = try await StatusReport(connection: harness.connection).conflicts(
                pairID: harness.pair.id,
                runID: nil,
                limit: 5
            )
            #expect(lines.count == 5)
            #expect(lines.allSatisfy { $0.contains("E7610") && $0.contains("de=\(malaria)") })
        }
    }

    @Test func aCancelledRunResumesWhereItStoppedAndConverges() async throws {
        try await SyncHarness.with { harness in
            harness.destination.inject(
                Fault(.delay(.milliseconds(40)), path: "/api/dataValueSets", method: "POST", count: nil)
            )
            let request = SyncRunner.Request(selection: .year(2024))
            let progressed = ProgressLatch()
            let task = Task {
                try await harness.run(request) { progress in
                    if progress.slicesDone >= 20 { progressed.open() }
                }
            }
            await progressed.wait()
            task.cancel()
            let cancelled = try await task.value
            #expect(cancelled.state == "abandoned")
            #expect(cancelled.slicesDone >= 20)
            #expect(cancelled.slicesDone < cancelled.slices)
            harness.destination.clearFaults()

            let resumed = try await harness.run(request)
            #expect(resumed.resumed)
            #expect(resumed.runID == cancelled.runID)
            #expect(resumed.state == "done")
            #expect(resumed.slicesDone == resumed.slices)
            #expect(try await harness.verify(request).isEqual)
        }
    }

    @Test func aTruncatedExportFailsItsSliceNeverLooksLikeSuccess() async throws {
        try await SyncHarness.with { harness in
            // Every export is cut after 3 values, on every attempt.
            harness.source.inject(
                Fault(.truncateExport(afterValues: 3), path: "/api/dataValueSets", method: "GET", count: nil)
            )
            let request = SyncRunner.Request(selection: .month(5, of: 2024))
            let failed = try await harness.run(request)
            #expect(failed.state == "failed")
            #expect(failed.slicesFailed > 0)
            let errors = try await harness.connection.query(
                "SELECT attempts, last_error FROM slices WHERE run_id = $1 AND state = 'failed'",
                [failed.runID]
            ).map { try $0.decode((Int, String?).self) }
            #expect(!errors.isEmpty)
            #expect(errors.allSatisfy { $0.0 == 2 && ($0.1 ?? "").contains("the export ended after") })

            harness.source.clearFaults()
            let retried = try await harness.run(request)
            #expect(retried.resumed)
            #expect(retried.state == "done")
            #expect(try await harness.verify(request).isEqual)
        }
    }

    @Test func a243DestinationConverges() async throws {
        var destination = SyncHarness.destinationConfiguration()
        destination.version = .v2_43
        try await SyncHarness.with(destination: destination) { harness in
            let outcome = try await harness.run(.quarter(2, of: 2024))
            #expect(outcome.state == "done")
            #expect(outcome.counts.conflicts == 0)
            // 2.43 reports creates as `updated` (dhis2-api.md §3: DataEntrySummary).
            #expect(outcome.counts.imported == 0)
            #expect(outcome.counts.updated > 0)
            #expect(try await harness.verify(.quarter(2, of: 2024)).isEqual)
        }
    }

    @Test func aPairIsSyncedByOneProcessAtATime() async throws {
        try await SyncHarness.with { harness in
            let other = try await PostgresConnection.connect(harness.databaseConfiguration, logger: harness.logger)
            let key = PostgresConnection.advisoryKey("dhis2-sync.pair.\(harness.pair.id)")
            #expect(try await other.tryAdvisoryLock(key))
            await #expect {
                try await harness.run(.month(1, of: 2024))
            } throws: { error in
                (error as? SyncError)?.code == .locked
            }
            try await other.advisoryUnlock(key)
            await other.close()
            #expect(try await harness.run(.month(1, of: 2024)).state == "done")
        }
    }

    @Test func incrementalRunsMoveWatermarksAndReadOnlyWhatChanged() async throws {
        try await SyncHarness.with { harness in
            func watermarks() async throws -> [String: String] {
                var marks: [String: String] = [:]
                for row in try await harness.connection.query(
                    "SELECT data_set_uid, last_updated::text FROM watermarks WHERE pair_id = $1",
                    [harness.pair.id]
                ) {
                    let (dataSet, mark) = try row.decode((String, String).self)
                    marks[dataSet] = mark
                }
                return marks
            }
            #expect(try await watermarks().isEmpty)

            // No watermark yet: the first run reads the whole incremental window.
            let first = try await harness.run(.incremental())
            #expect(first.state == "done")
            #expect(first.counts.imported > 100)
            let dataSets = try await PairCatalog(connection: harness.connection).dataSets(pairID: harness.pair.id)
            let afterFirst = try await watermarks()
            #expect(Set(afterFirst.keys) == Set(dataSets.map(\.uid)))
            // The runs's incremental window is today − 730 days … today + 366 days.
            let window = SyncRunner.Request.incremental().today.adding(days: -730)
            #expect(
                harness.destination.writtenValues().allSatisfy { value in
                    value.period.flatMap { Period.parse($0) }.map { $0.start >= window } == true
                }
            )

            // Two edits at the source; the next run reads exactly those.
            let candidates = harness.editableValues { $0 == "202502" }
            #expect(candidates.count >= 2)
            var edits = Array(candidates.prefix(2))
            for index in edits.indices { edits[index].value = "\(7000 + index)" }
            var options = DataValueImportOptions()
            options.importStrategy = "CREATE_AND_UPDATE"
            #expect(try await harness.sourceClient.importDataValues(edits, options: options).status == .success)
            let second = try await harness.run(.incremental())
            #expect(second.state == "done")
            #expect(second.counts.valuesRead == 2)
            #expect(second.counts.updated == 2)
            for edit in edits {
                let copied = harness.destinationValue(at: edit)
                #expect(copied?.value == edit.value)
            }
            let afterSecond = try await watermarks()
            #expect(afterSecond.allSatisfy { $0.value >= afterFirst[$0.key] ?? "" })

            // Inside the overlap the same two come back, and are ignored: re-delivery is harmless.
            let third = try await harness.run(.incremental())
            #expect(third.counts.valuesRead == 2)
            #expect(third.counts.ignored == 2)

            // A run whose slices fail moves no watermark; the rerun resumes it and moves them.
            harness.source.inject(
                Fault(.truncateExport(afterValues: 0), path: "/api/dataValueSets", method: "GET", count: nil)
            )
            let before = try await watermarks()
            let failed = try await harness.run(.incremental())
            #expect(failed.state == "failed")
            #expect(try await watermarks() == before)
            harness.source.clearFaults()
            let resumed = try await harness.run(.incremental())
            #expect(resumed.resumed && resumed.runID == failed.runID)
            #expect(resumed.state == "done")
            #expect(try await watermarks().allSatisfy { $0.value >= before[$0.key] ?? "" })
        }
    }

    @Test func aMiddlewarePairNeverFallsBackToTheDestination() async throws {
        try await SyncHarness.with { harness in
            var definition = Pair.Definition(name: "via-pair", source: "source", destination: "destination")
            // Nothing listens on port 1: every batch fails without an answer.
            definition.viaURL = "http://127.0.0.1:1/queue"
            let store = PairStore(connection: harness.connection)
            _ = try await store.add(definition)
            let pair = try await store.get("via-pair")
            let outcome = try await harness.runner().run(
                pair,
                SyncRunner.Request(selection: .month(1, of: 2024)),
                source: harness.sourceClient,
                destination: harness.destinationClient
            )
            #expect(outcome.state == "failed")
            #expect(outcome.slicesDone == 0)
            #expect(outcome.middleware?.contains("last: no answer from the middleware") == true, "\(outcome)")
            #expect(harness.destination.writtenValues().isEmpty)
        }
    }

    @Test func refreshIsIdempotentAndMarksVanishedOrgUnitsInactive() async throws {
        try await SyncHarness.with { harness in
            let catalog = PairCatalog(connection: harness.connection)
            let first = try await catalog.orgUnits(pairID: harness.pair.id)
            let again = try await harness.refresh()
            #expect(again.orgUnits.added == 0)
            #expect(try await catalog.orgUnits(pairID: harness.pair.id) == first)

            // An org unit the source no longer has: the pair keeps it, inactive.
            try await harness.connection.execute(
                """
                INSERT INTO pair_org_units (pair_id, uid, name, path, level, active)
                VALUES ($1, 'abcdefghijk', 'Gone District', '/x/abcdefghijk', 3, true)
                """,
                [harness.pair.id]
            )
            let refreshed = try await harness.refresh()
            #expect(refreshed.orgUnits.deactivated == 1)
            // Kept, inactive, and out of the runs' org units.
            let gone = try await harness.connection.query(
                "SELECT active FROM pair_org_units WHERE pair_id = $1 AND uid = 'abcdefghijk'",
                [harness.pair.id]
            ).map { try $0.decode(Bool.self, at: 0) }
            #expect(gone == [false])
            #expect(try await catalog.orgUnits(pairID: harness.pair.id) == first)
        }
    }
}

/// Opens once; waiters resume when it opens.
final class ProgressLatch: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.open else { return [] }
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
