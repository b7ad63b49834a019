import DHIS2Periods
import Testing

@Suite struct PeriodWindowTests {
    func ids(_ window: PeriodWindow, _ type: PeriodType) -> [String] {
        window.periods(of: type).map(\.id)
    }

    func date(_ iso: String) -> CalendarDate {
        CalendarDate(iso: iso)!
    }

    /// design.md §2: `--year 2024 --quarter 1`.
    @Test func yearAndQuarter() throws {
        let window = try PeriodWindow.quarter(1, of: 2024)
        #expect(window.range == date("2024-01-01")...date("2024-03-31"))
        #expect(ids(window, .monthly) == ["202401", "202402", "202403"])
        #expect(ids(window, .quarterly) == ["2024Q1"])
        #expect(ids(window, .weekly) == (1...13).map { "2024W\($0)" })
        #expect(ids(window, .yearly).isEmpty)
        #expect(ids(window, .daily).count == 91)
        #expect(ids(window, .biMonthly) == ["202401B"])
        #expect(ids(window, .biWeekly) == (1...6).map { "2024BiW\($0)" })
        #expect(ids(window, .sixMonthly).isEmpty)
        #expect(ids(window, .quarterlyNov).isEmpty)
        #expect(ids(window, .financialNov).isEmpty)
        #expect(window.overlappingPeriods(of: .quarterlyNov).map(\.id) == ["2024NovQ1", "2024NovQ2"])
    }

    @Test(arguments: [
        (1, "2024-01-01", "2024-03-31"), (2, "2024-04-01", "2024-06-30"), (3, "2024-07-01", "2024-09-30"),
        (4, "2024-10-01", "2024-12-31"),
    ])
    func quarters(q: Int, start: String, end: String) throws {
        #expect(try PeriodWindow.quarter(q, of: 2024).range == date(start)...date(end))
        #expect(try ids(.quarter(q, of: 2024), .quarterly) == ["2024Q\(q)"])
    }

    @Test func wholeYear() {
        let window = PeriodWindow.year(2024)
        #expect(window.range == date("2024-01-01")...date("2024-12-31"))
        #expect(ids(window, .monthly) == (1...12).map { "2024" + ($0 < 10 ? "0" : "") + "\($0)" })
        #expect(ids(window, .quarterly) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"])
        #expect(ids(window, .weekly) == (1...52).map { "2024W\($0)" })
        #expect(ids(window, .yearly) == ["2024"])
        #expect(ids(window, .sixMonthly) == ["2024S1", "2024S2"])
        #expect(ids(window, .sixMonthlyApril) == ["2024AprilS1"])
        #expect(ids(window, .sixMonthlyNov) == ["2024NovS2"])
        #expect(ids(window, .quarterlyNov) == ["2024NovQ2", "2024NovQ3", "2024NovQ4"])
        #expect(ids(window, .financialApril).isEmpty)
        #expect(ids(window, .financialNov).isEmpty)
        #expect(ids(window, .daily).count == 366)
        // 2020W1 starts 2019-12-30 and 2020W53 ends 2021-01-03, so only W2…W52 lie inside 2020.
        #expect(ids(.year(2020), .weekly) == (2...52).map { "2020W\($0)" })
        // 2021W1 starts 2021-01-04 and 2021W52 ends 2022-01-02.
        #expect(ids(.year(2021), .weekly) == (1...51).map { "2021W\($0)" })
    }

    @Test func month() throws {
        let window = try PeriodWindow.month(2, of: 2024)
        #expect(window.range == date("2024-02-01")...date("2024-02-29"))
        #expect(ids(window, .monthly) == ["202402"])
        #expect(ids(window, .weekly) == ["2024W6", "2024W7", "2024W8"])
        #expect(ids(window, .daily).count == 29)
        #expect(ids(window, .biMonthly).isEmpty)
        #expect(try PeriodWindow.month(2, of: 2023).range.upperBound == date("2023-02-28"))
        #expect(try PeriodWindow.month(12, of: 2023).range == date("2023-12-01")...date("2023-12-31"))
    }

    @Test func daysBackAndCurrentDate() throws {
        let today = date("2024-03-10")
        let week = try PeriodWindow.daysBack(6, from: today)
        #expect(week.range == date("2024-03-04")...today)
        #expect(ids(week, .weekly) == ["2024W10"])
        #expect(ids(week, .daily) == (4...10).map { "202403" + ($0 < 10 ? "0" : "") + "\($0)" })
        #expect(ids(week, .monthly).isEmpty)
        #expect(week.overlappingPeriods(of: .monthly).map(\.id) == ["202403"])
        let current = PeriodWindow.currentDate(today)
        #expect(current.range == today...today)
        #expect(try PeriodWindow.daysBack(0, from: today) == current)
        #expect(ids(current, .daily) == ["20240310"])
        #expect(ids(current, .weekly).isEmpty)
        #expect(current.contains(today) && !current.contains(today.adding(days: -1)))
        let acrossYear = try PeriodWindow.daysBack(40, from: date("2024-01-15"))
        #expect(acrossYear.range.lowerBound == date("2023-12-06"))
        // December started before the window, so only its overlap is reported.
        #expect(ids(acrossYear, .monthly).isEmpty)
        #expect(acrossYear.overlappingPeriods(of: .monthly).map(\.id) == ["202312", "202401"])
        #expect(ids(acrossYear, .weekly) == ["2023W50", "2023W51", "2023W52", "2024W1", "2024W2"])
    }

    @Test func rejectsOutOfRangeFlags() {
        #expect(throws: PeriodError(input: "0", message: "--quarter 0 is out of range: quarters are 1 to 4")) {
            try PeriodWindow.quarter(0, of: 2024)
        }
        #expect(throws: PeriodError.self) { try PeriodWindow.quarter(5, of: 2024) }
        #expect(throws: PeriodError(input: "13", message: "--month 13 is out of range: months are 1 to 12")) {
            try PeriodWindow.month(13, of: 2024)
        }
        #expect(throws: PeriodError.self) { try PeriodWindow.month(0, of: 2024) }
        #expect(throws: PeriodError.self) { try PeriodWindow.daysBack(-1, from: date("2024-01-01")) }
    }

    @Test func windowOfASinglePeriod() throws {
        let period = try Period(id: "2024NovS1")
        let window = PeriodWindow(range: period.start...period.end)
        #expect(window.periods(of: .sixMonthlyNov) == [period])
        #expect(window.periods(of: .monthly).count == 6)
    }
}
