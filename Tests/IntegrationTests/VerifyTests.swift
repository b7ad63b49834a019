import DHIS2
import DHIS2Simulator
import JSONStream
import Sync
import TestSupport
import Testing

/// `verify` against two simulators: every kind of difference, injected behind the sync's back, is found and
/// counted once.
@Suite("verify against PostgreSQL and two simulators", .enabled(if: TestDatabase.available))
struct VerifyTests {
    @Test func everyKindOfDifferenceIsFoundAndCountedOnce() async throws {
        try await SyncHarness.with { harness in
            let request = SyncRunner.Request(selection: .month(6, of: 2024))
            #expect(try await harness.run(request).state == "done")
            let clean = try await harness.verify(request)
            #expect(clean.isEqual && clean.matching > 100, "\(clean.samples)")

            let live = harness.editableValues { $0 == "202406" }
            #expect(live.count >= 4)
            var options = DataValueImportOptions()
            options.importStrategy = "CREATE_AND_UPDATE"
            // 1. Another value, and 2. the same value with another comment, at the destination.
            var edited = live[0]
            edited.value = "424242"
            var commented = live[1]
            commented.comment = "typed in at the destination"
            // 3. A value the destination has but the source never had: another facility of the same data.
            let elsewhere = try #require(
                harness.source.metadata.organisationUnits.lazy.filter { $0.level == 4 }.map(\.identity.id).first {
                    unit in
                    harness.source.storedValue(
                        dataElement: live[0].dataElement ?? "",
                        period: "202406",
                        orgUnit: unit,
                        categoryOptionCombo: live[0].categoryOptionCombo,
                        attributeOptionCombo: live[0].attributeOptionCombo
                    ) == nil
                }
            )
            var extra = live[0]
            extra.orgUnit = elsewhere
            extra.value = "7"
            let written = try await harness.destinationClient.importDataValues(
                [edited, commented, extra],
                options: options
            )
            #expect(written.importCount.updated == 2 && written.importCount.imported == 1, "\(written)")
            // 4. Deleted at the destination only; 5. deleted at the source only.
            options.importStrategy = "DELETE"
            #expect(
                try await harness.destinationClient.importDataValues([live[2]], options: options).status == .success
            )
            #expect(try await harness.sourceClient.importDataValues([live[3]], options: options).status == .success)

            let report = try await harness.verify(request)
            #expect(!report.isEqual)
            #expect(report.different == 2, "\(report.samples)")
            #expect(report.missing == 1, "\(report.samples)")
            #expect(report.extra == 1, "\(report.samples)")
            #expect(report.notDeleted == 1, "\(report.samples)")
            #expect(report.matching == clean.matching - 4)
            #expect(report.samples.count == 5)
            #expect(report.samples.contains { $0.hasPrefix("extra at the destination") && $0.contains(elsewhere) })
            #expect(report.samples.contains { $0.hasPrefix("deleted at the source, still at the destination") })
            #expect(report.samples.contains { $0.hasPrefix("missing at the destination") })
            // Per slice, the same counts, and only slices with a difference.
            let slices = report.slicesWithDifferences
            #expect(!slices.isEmpty && slices.count <= 5)
            #expect(slices.map(\.missing).reduce(0, +) == 1 && slices.map(\.different).reduce(0, +) == 2)
            #expect(slices.map(\.notDeleted).reduce(0, +) == 1 && slices.map(\.extra).reduce(0, +) == 1)
            #expect(slices.allSatisfy { $0.missing + $0.different + $0.notDeleted + $0.extra > 0 })
        }
    }
}
