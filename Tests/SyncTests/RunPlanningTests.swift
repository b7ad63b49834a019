import DHIS2
import DHIS2Periods
import Foundation
import JSONStream
import Testing

@testable import Sync

/// The pure parts of a run: flags → window, window → slices, import answer → ledger rows.
struct RunPlanningTests {
    private func selection(
        year: Int? = nil,
        quarter: Int? = nil,
        month: Int? = nil,
        period: String? = nil,
        daysBack: Int? = nil,
        currentDate: Bool = false
    ) throws(SyncError) -> PeriodSelection? {
        try PeriodSelection.from(
            year: year,
            quarter: quarter,
            month: month,
            period: period,
            daysBack: daysBack,
            currentDate: currentDate
        )
    }

    private func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    @Test func everyFlagNamesItsExactWindow() throws {
        let today = date("2025-03-10")
        let cases: [(PeriodSelection?, String, String)] = [
            (try selection(year: 2024), "2024-01-01", "2024-12-31"),
            (try selection(year: 2024, quarter: 4), "2024-10-01", "2024-12-31"),
            (try selection(year: 2024, month: 2), "2024-02-01", "2024-02-29"),
            (try selection(year: 2023, month: 2), "2023-02-01", "2023-02-28"),
            (try selection(period: "2024W01"), "2024-01-01", "2024-01-07"),
            (try selection(period: "2020W53"), "2020-12-28", "2021-01-03"),
            (try selection(period: "2024AprilS2"), "2024-10-01", "2025-03-31"),
            (try selection(period: "2024July"), "2024-07-01", "2025-06-30"),
            (try selection(daysBack: 10), "2025-02-28", "2025-03-10"),
            (try selection(currentDate: true), "2025-03-10", "2025-03-10"),
        ]
        for (selection, start, end) in cases {
            let window = try #require(selection).window(today: today)
            #expect(window.range == date(start)...date(end), "\(String(describing: selection))")
        }
        #expect(try selection() == nil)
    }

    @Test func badFlagsAreRefusedWithWhatToGive() {
        let cases: [(() throws(SyncError) -> PeriodSelection?, String)] = [
            ({ () throws(SyncError) in try selection(year: 2024, period: "2024Q1") }, "give one of"),
            ({ () throws(SyncError) in try selection(year: 2024, quarter: 1, month: 2) }, "exclude each other"),
            ({ () throws(SyncError) in try selection(quarter: 1) }, "need --year"),
            ({ () throws(SyncError) in try selection(year: 2024, quarter: 5) }, "--quarter 5"),
            ({ () throws(SyncError) in try selection(year: 2024, month: 0) }, "--month 0"),
            ({ () throws(SyncError) in try selection(year: 24) }, "four-digit"),
            ({ () throws(SyncError) in try selection(period: "2024M13") }, "not a DHIS2 period id"),
            ({ () throws(SyncError) in try selection(daysBack: 0) }, "--days-back 0"),
            ({ () throws(SyncError) in try selection(daysBack: 5, currentDate: true) }, "give one of"),
        ]
        for (make, expected) in cases {
            do {
                let made = try make()
                Issue.record("\(expected): no error, got \(String(describing: made))")
            } catch {
                #expect(error.code == .invalidInput && error.message.contains(expected), "\(expected): \(error)")
            }
        }
    }

    @Test func slicesAreEveryDataSetPeriodInsideTheWindowTimesEveryOrgUnit() {
        let dataSets: [SlicePlanner.DataSetInput] = [
            .init(uid: "monthly", periodType: "Monthly"),
            .init(uid: "weekly", periodType: "Weekly"),
            .init(uid: "quarterly", periodType: "Quarterly"),
            .init(uid: "yearly", periodType: "Yearly"),
            .init(uid: "july", periodType: "FinancialJuly"),
            .init(uid: "odd", periodType: "Fortnightly"),
        ]
        let plan = SlicePlanner.plan(dataSets: dataSets, orgUnits: ["ouB", "ouA"], window: .year(2024))
        func periods(_ uid: String) -> [String] {
            plan.slices.filter { $0.dataSet == uid && $0.orgUnit == "ouA" }.map(\.period)
        }
        #expect(periods("monthly") == (1...12).map { String(format: "2024%02d", $0) })
        #expect(periods("quarterly") == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"])
        #expect(periods("yearly") == ["2024"])
        // 2024W01 starts on Monday 1 January; 2024W52 ends on Sunday 29 December; 2025W01 straddles the year.
        #expect(periods("weekly").count == 52)
        // A July financial year never lies inside one calendar year.
        #expect(periods("july").isEmpty)
        #expect(plan.skipped["odd"]?.contains("Fortnightly") == true)
        #expect(plan.slices.count == (12 + 52 + 4 + 1) * 2)
        // Grouped by data set, then chronological, then by org unit.
        #expect(plan.slices.map(\.dataSet) == plan.slices.map(\.dataSet).sorted())
        #expect(Array(periods("weekly").prefix(2)) == ["2024W1", "2024W2"])
        #expect(Set(plan.slices).count == plan.slices.count)
    }

    @Test func ledgerRowsCarryTheBatchValueTheirIndexPointsAt() throws {
        let json = """
            {"status":"WARNING","importCount":{"imported":1,"updated":0,"ignored":2,"deleted":0},
             "conflicts":[
               {"object":"deMissing01","objects":{"dataElement":"deMissing01"},
                "value":"Data element not found or not accessible: `deMissing01`","errorCode":"E7610",
                "property":"dataElement","indexes":[0,2]},
               {"object":"x","value":"no index here","errorCode":"E7637"},
               {"object":"y","value":"index beyond the batch","errorCode":"E7611","indexes":[9]}
             ],
             "rejectedIndexes":[0,2]}
            """
        let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(json.utf8))
        let batch = (0..<3).map { index in
            DataValue(dataElement: index == 1 ? "deFound0001" : "deMissing01", period: "202401", value: "\(index)")
        }
        let rows = SliceTransfer.ledgerConflicts(summary, batch: batch)
        #expect(rows.count == 4)
        #expect(rows[0].valueIndex == 0 && rows[0].value?.value == "0" && rows[0].row.errorCode == "E7610")
        #expect(rows[1].valueIndex == 2 && rows[1].value?.value == "2")
        #expect(rows[2].valueIndex == nil && rows[2].value == nil && rows[2].row.errorCode == "E7637")
        #expect(rows[3].valueIndex == 9 && rows[3].value == nil)
    }
}
