import DHIS2Periods
import Foundation
import Testing

/// Whole-timeline properties of every period type over 1990…2040: ids round-trip, periods tile
/// the calendar without gaps or overlaps (bi-week 27 being DHIS2's one deliberate overlap), and
/// `period(containing:)`, `next`, `previous` and the range queries agree with one another.
@Suite struct PeriodTilingTests {
    static let first = CalendarDate(year: 1990, month: 1, day: 1)!
    static let last = CalendarDate(year: 2040, month: 12, day: 31)!

    /// A bi-week 27 spans ISO week 53 and the next year's week 1, so it overlaps that year's BiW1.
    static func isBiWeek27(_ period: Period) -> Bool {
        period.type == .biWeekly && period.id.hasSuffix("BiW27")
    }

    @Test(arguments: PeriodType.allCases)
    func roundTripsAndTiles(type: PeriodType) throws {
        let periods = type.periods(overlapping: Self.first...Self.last)
        var problems: [String] = []
        func problem(_ text: String) {
            if problems.count < 20 { problems.append(text) }
        }
        for (index, period) in periods.enumerated() {
            #expect(period.type == type)
            if Period.parse(period.id) != period { problem("\(period.id) does not round-trip") }
            if period.start > period.end { problem("\(period.id) ends before it starts") }
            if period.next.previous != period { problem("\(period.id).next.previous") }
            if period.previous.next != period { problem("\(period.id).previous.next") }
            if !(period < period.next) { problem("\(period.id) < next") }
            let expectedNextStart = Self.isBiWeek27(period) ? period.end.adding(days: -6) : period.end.adding(days: 1)
            if period.next.start != expectedNextStart { problem("\(period.id).next starts \(period.next.start)") }
            if index + 1 < periods.count, periods[index + 1] != period.next { problem("\(period.id) list order") }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(periods.first!.contains(Self.first))
        #expect(periods.last!.contains(Self.last))
        #expect(Set(periods.map(\.id)).count == periods.count)
    }

    @Test(arguments: PeriodType.allCases)
    func everyDayIsCoveredByItsPeriod(type: PeriodType) {
        var problems: [String] = []
        var day = Self.first
        var previous: Period?
        while day <= Self.last && problems.count < 20 {
            let period = type.period(containing: day)
            if !period.contains(day) { problems.append("\(day) not in \(period.id)") }
            if let previous, previous != period, period != previous.next {
                problems.append("\(day): \(period.id) does not follow \(previous.id)")
            }
            previous = period
            day = day.adding(days: 1)
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Expected period lengths in days (or a set of possible lengths).
    @Test(arguments: PeriodType.allCases)
    func periodLengths(type: PeriodType) {
        let lengths = Set(type.periods(overlapping: Self.first...Self.last).map(\.dayCount))
        let expected: Set<Int> =
            switch type {
            case .daily: [1]
            case .weekly, .weeklyWednesday, .weeklyThursday, .weeklyFriday, .weeklySaturday, .weeklySunday: [7]
            case .biWeekly: [14]
            case .monthly: [28, 29, 30, 31]
            case .biMonthly: [59, 60, 61, 62]
            case .quarterly, .quarterlyNov: [89, 90, 91, 92]
            case .sixMonthly, .sixMonthlyApril, .sixMonthlyNov: [181, 182, 183, 184]
            case .yearly, .financialFeb, .financialApril, .financialJuly, .financialAug, .financialSep, .financialOct,
                .financialNov:
                [365, 366]
            }
        #expect(lengths.isSubset(of: expected) && !lengths.isEmpty, "\(lengths)")
    }

    @Test(arguments: PeriodType.allCases)
    func periodsPerYear(type: PeriodType) throws {
        for year in 1990...2040 {
            let window = PeriodWindow.year(year)
            let count = window.periods(of: type).count
            let days = CalendarDate.isLeapYear(year) ? 366 : 365
            let expected: ClosedRange<Int> =
                switch type {
                case .daily: days...days
                case .weekly, .weeklyWednesday, .weeklyThursday, .weeklyFriday, .weeklySaturday, .weeklySunday: 51...52
                case .biWeekly: 25...26
                case .monthly: 12...12
                case .biMonthly: 6...6
                case .quarterly: 4...4
                case .quarterlyNov: 3...3
                case .sixMonthly: 2...2
                case .sixMonthlyApril, .sixMonthlyNov: 1...1
                case .yearly: 1...1
                default: 0...0
                }
            #expect(expected.contains(count), "\(type) \(year): \(count)")
            let overlapping = window.overlappingPeriods(of: type)
            #expect(overlapping.count >= count)
            #expect(overlapping.allSatisfy { $0.start <= window.range.upperBound && $0.end >= window.range.lowerBound })
        }
    }

    static let weeklyInfixes: [(PeriodType, Int, String)] = [
        (.weekly, 2, ""), (.weeklyWednesday, 4, "Wed"), (.weeklyThursday, 5, "Thu"), (.weeklyFriday, 6, "Fri"),
        (.weeklySaturday, 7, "Sat"), (.weeklySunday, 1, "Sun"),
    ]

    /// Java's `WeekFields.of(day, 4)` is Foundation's calendar with that first weekday and
    /// `minimumDaysInFirstWeek = 4`; compare every day's week id against it.
    @Test(arguments: weeklyInfixes)
    func weeklyIdsMatchFoundationWeekNumbering(type: PeriodType, foundationFirstWeekday: Int, infix: String) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        calendar.firstWeekday = foundationFirstWeekday
        calendar.minimumDaysInFirstWeek = 4
        var problems: [String] = []
        var day = Self.first
        while day <= Self.last && problems.count < 20 {
            let instant = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: instant)
            let expected = "\(parts.yearForWeekOfYear!)\(infix)W\(parts.weekOfYear!)"
            let actual = type.period(containing: day).id
            if actual != expected { problems.append("\(day): \(actual) vs \(expected)") }
            day = day.adding(days: 1)
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func biWeeksFollowIsoWeeks() throws {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var problems: [String] = []
        var day = Self.first
        while day <= Self.last && problems.count < 20 {
            let instant = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: instant)
            let expected = "\(parts.yearForWeekOfYear!)BiW\((parts.weekOfYear! + 1) / 2)"
            let actual = PeriodType.biWeekly.period(containing: day).id
            if actual != expected { problems.append("\(day): \(actual) vs \(expected)") }
            day = day.adding(days: 1)
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func biWeekStraddlingTheYear() throws {
        let biWeek27 = try Period(id: "2020BiW27")
        let nextBiWeek1 = try Period(id: "2021BiW1")
        #expect(try Period(id: "2020BiW26").next == biWeek27)
        #expect(biWeek27.next == nextBiWeek1)
        #expect(nextBiWeek1.previous == biWeek27)
        #expect(biWeek27.previous.id == "2020BiW26")
        let newYearsDay = try #require(CalendarDate(iso: "2021-01-01"))
        let firstMonday = try #require(CalendarDate(iso: "2021-01-04"))
        #expect(PeriodType.biWeekly.period(containing: newYearsDay) == biWeek27)
        // Both contain 2021-01-04…10; DHIS2 assigns those days to the new year's BiW1.
        #expect(PeriodType.biWeekly.period(containing: firstMonday) == nextBiWeek1)
        #expect(biWeek27.contains(firstMonday) && nextBiWeek1.contains(firstMonday))
        #expect(PeriodType.biWeekly.periods(overlapping: firstMonday...firstMonday) == [biWeek27, nextBiWeek1])
        #expect(PeriodType.biWeekly.periods(overlapping: newYearsDay...newYearsDay) == [biWeek27])
        let span = try #require(CalendarDate(iso: "2020-12-28"))...(try #require(CalendarDate(iso: "2021-01-17")))
        #expect(PeriodType.biWeekly.periods(within: span) == [biWeek27, nextBiWeek1])
        // 2020BiW1 starts in 2019 and BiW27 ends in 2021.
        #expect(PeriodWindow.year(2020).periods(of: .biWeekly).map(\.id) == (2...26).map { "2020BiW\($0)" })
        #expect(PeriodWindow.year(2020).overlappingPeriods(of: .biWeekly).last == biWeek27)
        #expect(PeriodWindow.year(2021).overlappingPeriods(of: .biWeekly).prefix(2) == [biWeek27, nextBiWeek1])
    }

    @Test(arguments: [
        (PeriodType.financialNov, "2023-11-01", "2024Nov"), (.financialNov, "2024-10-31", "2024Nov"),
        (.financialNov, "2024-11-01", "2025Nov"), (.financialNov, "2024-01-15", "2024Nov"),
        (.sixMonthlyNov, "2023-11-01", "2024NovS1"), (.sixMonthlyNov, "2023-12-15", "2024NovS1"),
        (.sixMonthlyNov, "2024-04-30", "2024NovS1"), (.sixMonthlyNov, "2024-05-01", "2024NovS2"),
        (.sixMonthlyNov, "2024-10-31", "2024NovS2"), (.sixMonthlyNov, "2024-11-01", "2025NovS1"),
        (.quarterlyNov, "2023-11-30", "2024NovQ1"), (.quarterlyNov, "2024-02-01", "2024NovQ2"),
        (.quarterlyNov, "2024-05-31", "2024NovQ3"), (.quarterlyNov, "2024-10-31", "2024NovQ4"),
        (.quarterlyNov, "2024-11-01", "2025NovQ1"), (.financialApril, "2024-03-31", "2023April"),
        (.financialApril, "2024-04-01", "2024April"), (.financialJuly, "2025-06-30", "2024July"),
        (.financialFeb, "2024-01-31", "2023Feb"), (.financialAug, "2024-08-01", "2024Aug"),
        (.financialSep, "2024-08-31", "2023Sep"), (.financialOct, "2024-12-31", "2024Oct"),
        (.sixMonthlyApril, "2025-03-31", "2024AprilS2"), (.sixMonthlyApril, "2025-01-01", "2024AprilS2"),
        (.sixMonthlyApril, "2024-03-31", "2023AprilS2"), (.sixMonthlyApril, "2024-04-01", "2024AprilS1"),
        (.biMonthly, "2024-12-31", "202406B"), (.biMonthly, "2024-04-30", "202402B"),
        (.weekly, "2021-01-03", "2020W53"), (.weekly, "2024-12-31", "2025W1"), (.weekly, "2027-01-01", "2026W53"),
        (.weeklyFriday, "2023-12-28", "2023FriW52"), (.weeklyFriday, "2023-12-29", "2024FriW1"),
        (.weeklySaturday, "2023-12-29", "2023SatW52"), (.weeklySunday, "2023-12-30", "2023SunW52"),
        (.weeklyWednesday, "2024-01-02", "2023WedW52"), (.weeklyThursday, "2024-01-03", "2023ThuW53"),
        (.daily, "2024-02-29", "20240229"),
    ])
    func labelConventions(type: PeriodType, date: String, id: String) throws {
        #expect(type.period(containing: try #require(CalendarDate(iso: date))).id == id)
    }

    @Test func ordering() throws {
        let ids = ["2024Q1", "202401", "2023W52", "2024", "20240101", "2024W1", "202312", "2024NovQ1"]
        let sorted = try ids.map { try Period(id: $0) }.sorted().map(\.id)
        #expect(sorted == ["2024NovQ1", "202312", "2023W52", "20240101", "2024W1", "202401", "2024Q1", "2024"])
    }
}
