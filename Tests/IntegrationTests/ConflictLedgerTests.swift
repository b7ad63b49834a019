import DHIS2
import DHIS2Simulator
import JSONStream
import Postgres
import Sync
import TestSupport
import Testing

/// The conflict ledger's operator side and `verify --repair`, against PostgreSQL and two simulators.
@Suite("Conflict ledger and repair against PostgreSQL and two simulators", .enabled(if: TestDatabase.available))
struct ConflictLedgerTests {
    @Test func groupedByCodeThenRetriedOnceTheDestinationHasTheDataElement() async throws {
        var destination = SyncHarness.destinationConfiguration()
        destination.missingDataElements = ["DE_MAL_CONF"]
        try await SyncHarness.with(destination: destination) { harness in
            let outcome = try await harness.run(.month(3, of: 2024))
            #expect(outcome.state == "done")
            #expect(outcome.counts.conflicts > 3)
            let malaria = try #require(
                harness.source.metadata.dataElements.first { $0.identity.code == "DE_MAL_CONF" }?.identity.id
            )
            let ledger = ConflictLedger(connection: harness.connection)
            let all = ConflictLedger.Filter(pairID: harness.pair.id)
            var groups = try await ledger.groups(all, examples: 2)
            #expect(groups.count == 1)
            let group = try #require(groups.first)
            #expect(group.code == "E7610")
            #expect(group.count == outcome.counts.conflicts)
            #expect(group.examples.count == 2)
            #expect(group.examples.allSatisfy { $0.dataElement == malaria && $0.period == "202403" })
            #expect(
                try await ledger.groups(ConflictLedger.Filter(pairID: harness.pair.id, code: "e7610"), examples: 1)
                    .map(\.count) == [group.count]
            )
            #expect(try await ledger.groups(ConflictLedger.Filter(code: "E7633"), examples: 1).isEmpty)
            #expect(try await ledger.groups(ConflictLedger.Filter(runID: outcome.runID), examples: 1).count == 1)

            // Still missing: every value is refused again and its conflict replaced, not doubled.
            let refused = try await harness.retry(code: "E7610")
            #expect(refused.open == group.count)
            #expect(refused.withoutValue == 0)
            #expect(refused.resolved == 0)
            #expect(refused.stillRefused == group.count)
            #expect(refused.run?.state == "done")
            groups = try await ledger.groups(all, examples: 1)
            #expect(groups.map(\.count) == [group.count])
            #expect(groups.first?.examples.first?.run == refused.run?.runID)

            // The metadata is fixed: the retry delivers every value and resolves every conflict.
            harness.destination.setMissingDataElements([])
            let fixed = try await harness.retry(code: nil)
            #expect(fixed.open == group.count)
            #expect(fixed.resolved == group.count)
            #expect(fixed.stillRefused == 0)
            #expect(fixed.run?.counts.conflicts == 0)
            #expect(try await ledger.groups(all, examples: 1).isEmpty)
            #expect(
                try await ledger.groups(
                    ConflictLedger.Filter(pairID: harness.pair.id, includeResolved: true),
                    examples: 1
                )
                .map(\.count) == [group.count]
            )
            // Every live source value of the element is now at the destination, and was imported by the retry.
            var live = 0
            var delivered = 0
            harness.source.forEachValue { value in
                guard value.dataElement == malaria, value.period == "202403", value.deleted != true else { return }
                live += 1
                if harness.destinationValue(at: value)?.value == value.value { delivered += 1 }
            }
            #expect(live > 0 && delivered == live)
            #expect(fixed.run?.counts.imported == live)
            #expect(try await harness.verify(.month(3, of: 2024)).isEqual)

            let kinds = try await harness.connection.query(
                "SELECT kind, state FROM runs WHERE pair_id = $1 ORDER BY id",
                [harness.pair.id]
            ).map { try $0.decode((String, String).self) }
            #expect(kinds.map(\.0) == ["backlog", "retry", "retry"])
            #expect(kinds.allSatisfy { $0.1 == "done" })
            // A retry's window is what its slices' periods span.
            let windows = try await harness.connection.query(
                "SELECT window_start::text, window_end::text FROM runs WHERE pair_id = $1 AND kind = 'retry'",
                [harness.pair.id]
            ).map { try $0.decode((String, String).self) }
            #expect(windows.allSatisfy { $0 == ("2024-03-01", "2024-03-31") }, "\(windows)")
            let status = try await StatusReport(connection: harness.connection).lines(for: harness.pair)
            #expect(status.contains { $0.contains("(retry) done") }, "\(status)")
            #expect(status.contains("  no open conflicts"), "\(status)")

            // Nothing open: a retry sends nothing and records no run.
            let idle = try await harness.retry(code: nil)
            #expect(idle.run == nil && idle.open == 0)
        }
    }

    @Test func aRerunOfTheWindowReplacesItsConflictsAndResolvesThemOnceDelivered() async throws {
        var destination = SyncHarness.destinationConfiguration()
        destination.missingDataElements = ["DE_MAL_CONF"]
        try await SyncHarness.with(destination: destination) { harness in
            let first = try await harness.run(.month(3, of: 2024))
            #expect(first.counts.conflicts > 3)
            let ledger = ConflictLedger(connection: harness.connection)
            let all = ConflictLedger.Filter(pairID: harness.pair.id)
            // The same window again: the same values refused again, each still one open conflict.
            let second = try await harness.run(.month(3, of: 2024))
            #expect(second.runID != first.runID && second.counts.conflicts == first.counts.conflicts)
            var groups = try await ledger.groups(all, examples: 1)
            #expect(groups.map(\.count) == [first.counts.conflicts])
            #expect(groups.first?.examples.first?.run == second.runID)
            // A run of another window leaves them alone.
            _ = try await harness.run(.month(4, of: 2024))
            groups = try await ledger.groups(ConflictLedger.Filter(pairID: harness.pair.id, code: "E7610"), examples: 1)
            #expect(groups.first.map { $0.count > first.counts.conflicts } == true)
            let april = try #require(groups.first?.count) - first.counts.conflicts
            // Fixed metadata and a plain rerun of March: its conflicts are resolved, April's stay open.
            harness.destination.setMissingDataElements([])
            let third = try await harness.run(.month(3, of: 2024))
            #expect(third.counts.conflicts == 0 && third.counts.imported > 0)
            groups = try await ledger.groups(all, examples: 1)
            #expect(groups.map(\.count) == [april])
            let resolved = try await harness.connection.query(
                "SELECT count(*) FROM conflicts WHERE pair_id = $1 AND resolved_at IS NOT NULL AND period = '202403'",
                [harness.pair.id]
            )[0].decode(Int.self, at: 0)
            #expect(resolved == first.counts.conflicts)
        }
    }

    @Test func verifyRepairResendsTheDifferingSlicesAndASecondVerifyIsClean() async throws {
        try await SyncHarness.with { harness in
            let request = SyncRunner.Request(selection: .month(6, of: 2024))
            #expect(try await harness.run(request).state == "done")
            #expect(try await harness.verify(request).isEqual)

            // Behind the sync's back, one value is changed and one deleted at the destination.
            let live = harness.editableValues { $0 == "202406" }
            let changed = try #require(live.first)
            let removed = try #require(live.last { $0 != changed })
            var options = DataValueImportOptions()
            options.importStrategy = "CREATE_AND_UPDATE"
            var edit = changed
            edit.value = "424242"
            #expect(try await harness.destinationClient.importDataValues([edit], options: options).status == .success)
            options.importStrategy = "DELETE"
            #expect(
                try await harness.destinationClient.importDataValues([removed], options: options).status == .success
            )

            let repair = try await harness.repair(request)
            #expect(repair.before.different == 1)
            #expect(repair.before.missing == 1)
            #expect((1...2).contains(repair.before.differingSlices.count))
            let run = try #require(repair.run)
            #expect(run.state == "done")
            #expect(run.slices == repair.before.differingSlices.count)
            #expect(run.counts.updated == 1)
            #expect(run.counts.imported == 1)
            let after = try #require(repair.after)
            #expect(after.isEqual, "\(after.samples)")
            #expect(after.slices == repair.before.differingSlices.count)
            #expect(repair.isEqual)
            #expect(harness.destinationValue(at: changed)?.value == changed.value)
            #expect(harness.destinationValue(at: removed)?.deleted != true)

            let kind = try await harness.connection.query(
                "SELECT kind FROM runs WHERE id = $1",
                [run.runID]
            )[0].decode(String.self, at: 0)
            #expect(kind == "verify")
            #expect(try await harness.verify(request).isEqual)

            // Nothing differs: no run.
            let clean = try await harness.repair(request)
            #expect(clean.run == nil && clean.after == nil && clean.isEqual)
        }
    }
}

extension SyncHarness {
    func retry(code: String?) async throws -> ConflictLedger.RetryOutcome {
        try await ConflictLedger(connection: connection)
            .retry(pair, code: code, runner: runner(), source: sourceClient, destination: destinationClient)
    }

    func repair(_ request: SyncRunner.Request) async throws -> Verifier.Repair {
        try await Verifier(catalog: PairCatalog(connection: connection), logger: logger)
            .repair(pair, request, runner: runner(), source: sourceClient, destination: destinationClient)
    }
}
