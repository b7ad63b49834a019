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

    @Test func slicesGroupEachDataSetsPeriodsByQuarterTimesEveryOrgUnit() {
        let dataSets: [SlicePlanner.DataSetInput] = [
            .init(uid: "daily", periodType: "Daily"),
            .init(uid: "monthly", periodType: "Monthly"),
            .init(uid: "weekly", periodType: "Weekly"),
            .init(uid: "quarterly", periodType: "Quarterly"),
            .init(uid: "yearly", periodType: "Yearly"),
            .init(uid: "july", periodType: "FinancialJuly"),
            .init(uid: "odd", periodType: "Fortnightly"),
        ]
        let plan = SlicePlanner.plan(dataSets: dataSets, orgUnits: ["ouB", "ouA"], window: .year(2024))
        func groups(_ uid: String) -> [[String]] {
            plan.slices.filter { $0.dataSet == uid && $0.orgUnit == "ouA" }.map(\.periods)
        }
        #expect(
            groups("monthly") == [
                ["202401", "202402", "202403"], ["202404", "202405", "202406"], ["202407", "202408", "202409"],
                ["202410", "202411", "202412"],
            ]
        )
        #expect(groups("quarterly") == [["2024Q1"], ["2024Q2"], ["2024Q3"], ["2024Q4"]])
        #expect(groups("yearly") == [["2024"]])
        // A leap year: 91 + 91 + 92 + 92 days.
        #expect(groups("daily").map(\.count) == [91, 91, 92, 92])
        #expect(groups("daily").first?.first == "20240101" && groups("daily").last?.last == "20241231")
        // Weeks go with the quarter they start in: 2024W40 starts on Monday 30 September. 2024W1 starts on
        // Monday 1 January; 2024W52 ends on Sunday 29 December; 2025W1 straddles the year and is left out.
        #expect(groups("weekly").map(\.count) == [13, 13, 14, 12])
        #expect(groups("weekly")[2].last == "2024W40")
        // A July financial year never lies inside one calendar year.
        #expect(groups("july").isEmpty)
        #expect(plan.skipped["odd"]?.contains("Fortnightly") == true)
        #expect(plan.slices.count == (4 + 4 + 4 + 4 + 1) * 2)
        #expect(plan.slices.map(\.dataSet) == plan.slices.map(\.dataSet).sorted())
        #expect(Set(plan.slices).count == plan.slices.count)

        // A one-week window is one slice per org unit.
        let week = SlicePlanner.plan(
            dataSets: [.init(uid: "daily", periodType: "Daily")],
            orgUnits: ["ouA"],
            window: PeriodWindow(range: CalendarDate(iso: "2024-03-04")!...CalendarDate(iso: "2024-03-10")!)
        )
        #expect(week.slices.map(\.periods) == [(4...10).map { String(format: "202403%02d", $0) }])
        #expect(week.slices.first?.description == "daily/20240304…20240310/ouA")
    }

    @Test func ledgerRowsCarryThePostedValueTheirIndexPointsAt() throws {
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
        let body = DataValueSetWriter.encode(batch, header: DataValueSetHeader(dataSet: "dataSet0001"))
        let rows = SliceTransfer.ledgerConflicts(summary, body: body)
        #expect(rows.count == 4)
        #expect(rows[0].valueIndex == 0 && rows[0].value?.value == "0" && rows[0].row.errorCode == "E7610")
        #expect(rows[1].valueIndex == 2 && rows[1].value?.value == "2")
        #expect(rows[2].valueIndex == nil && rows[2].value == nil && rows[2].row.errorCode == "E7637")
        #expect(rows[3].valueIndex == 9 && rows[3].value == nil)
    }
}
