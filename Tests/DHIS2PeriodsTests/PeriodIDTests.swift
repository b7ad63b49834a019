import DHIS2Periods
import Testing

/// A period id with its expected type and inclusive ISO dates.
struct Example: CustomTestStringConvertible, Sendable {
    let id: String
    let type: PeriodType
    let start: String
    let end: String

    init(_ id: String, _ type: PeriodType, _ start: String, _ end: String) {
        self.id = id
        self.type = type
        self.start = start
        self.end = end
    }

    var testDescription: String { id }
}

@Suite struct PeriodIDTests {
    /// Every example of dhis2-api.md §7, verbatim, plus a few neighbours that pin the conventions.
    static let referenceExamples: [Example] = [
        Example("20240115", .daily, "2024-01-15", "2024-01-15"),
        Example("2024W1", .weekly, "2024-01-01", "2024-01-07"),
        Example("2020W53", .weekly, "2020-12-28", "2021-01-03"),
        Example("2021W1", .weekly, "2021-01-04", "2021-01-10"),
        Example("2024WedW1", .weeklyWednesday, "2024-01-03", "2024-01-09"),
        Example("2024ThuW1", .weeklyThursday, "2024-01-04", "2024-01-10"),
        Example("2024FriW1", .weeklyFriday, "2023-12-29", "2024-01-04"),
        Example("2024SatW1", .weeklySaturday, "2023-12-30", "2024-01-05"),
        Example("2024SunW1", .weeklySunday, "2023-12-31", "2024-01-06"),
        Example("2024BiW1", .biWeekly, "2024-01-01", "2024-01-14"),
        Example("2020BiW27", .biWeekly, "2020-12-28", "2021-01-10"),
        Example("202401", .monthly, "2024-01-01", "2024-01-31"),
        Example("202401B", .biMonthly, "2024-01-01", "2024-02-29"),
        Example("202406B", .biMonthly, "2024-11-01", "2024-12-31"),
        Example("2024Q1", .quarterly, "2024-01-01", "2024-03-31"),
        Example("2024NovQ1", .quarterlyNov, "2023-11-01", "2024-01-31"),
        Example("2024S1", .sixMonthly, "2024-01-01", "2024-06-30"),
        Example("2024S2", .sixMonthly, "2024-07-01", "2024-12-31"),
        Example("2024AprilS1", .sixMonthlyApril, "2024-04-01", "2024-09-30"),
        Example("2024AprilS2", .sixMonthlyApril, "2024-10-01", "2025-03-31"),
        Example("2024NovS1", .sixMonthlyNov, "2023-11-01", "2024-04-30"),
        Example("2024NovS2", .sixMonthlyNov, "2024-05-01", "2024-10-31"),
        Example("2024", .yearly, "2024-01-01", "2024-12-31"),
        Example("2024April", .financialApril, "2024-04-01", "2025-03-31"),
        Example("2024July", .financialJuly, "2024-07-01", "2025-06-30"),
        Example("2024Sep", .financialSep, "2024-09-01", "2025-08-31"),
        Example("2024Oct", .financialOct, "2024-10-01", "2025-09-30"),
        Example("2024Nov", .financialNov, "2023-11-01", "2024-10-31"),
        Example("2024Feb", .financialFeb, "2024-02-01", "2025-01-31"),
        Example("2024Aug", .financialAug, "2024-08-01", "2025-07-31"),
    ]

    /// Further cases at year boundaries and in 53-week years.
    static let boundaryExamples: [Example] = [
        Example("2026W53", .weekly, "2026-12-28", "2027-01-03"),
        Example("2015W53", .weekly, "2015-12-28", "2016-01-03"),
        Example("2009W53", .weekly, "2009-12-28", "2010-01-03"),
        Example("2004W53", .weekly, "2004-12-27", "2005-01-02"),
        Example("2025W1", .weekly, "2024-12-30", "2025-01-05"),
        Example("2024W52", .weekly, "2024-12-23", "2024-12-29"),
        Example("2023FriW52", .weeklyFriday, "2023-12-22", "2023-12-28"),
        Example("2023ThuW53", .weeklyThursday, "2023-12-28", "2024-01-03"),
        Example("2025WedW1", .weeklyWednesday, "2025-01-01", "2025-01-07"),
        Example("2024WedW52", .weeklyWednesday, "2024-12-25", "2024-12-31"),
        Example("2025SunW1", .weeklySunday, "2024-12-29", "2025-01-04"),
        Example("2020BiW26", .biWeekly, "2020-12-14", "2020-12-27"),
        Example("2021BiW1", .biWeekly, "2021-01-04", "2021-01-17"),
        Example("2024BiW26", .biWeekly, "2024-12-16", "2024-12-29"),
        Example("2025BiW1", .biWeekly, "2024-12-30", "2025-01-12"),
        Example("202402B", .biMonthly, "2024-03-01", "2024-04-30"),
        Example("2024NovQ4", .quarterlyNov, "2024-08-01", "2024-10-31"),
        Example("2025NovQ1", .quarterlyNov, "2024-11-01", "2025-01-31"),
        Example("2025NovS1", .sixMonthlyNov, "2024-11-01", "2025-04-30"),
        Example("2025Nov", .financialNov, "2024-11-01", "2025-10-31"),
        Example("2024Q4", .quarterly, "2024-10-01", "2024-12-31"),
        Example("202312", .monthly, "2023-12-01", "2023-12-31"),
        Example("20240229", .daily, "2024-02-29", "2024-02-29"),
        Example("0999", .yearly, "0999-01-01", "0999-12-31"),
    ]

    @Test(arguments: referenceExamples + boundaryExamples)
    func parsesToInterval(example: Example) throws {
        let period = try Period(id: example.id)
        #expect(period.type == example.type)
        #expect(period.start.iso == example.start)
        #expect(period.end.iso == example.end)
        #expect(period.id == example.id)
        #expect(period.description == example.id)
        #expect(Period.parse(example.id) == period)
        // Every day of the period maps back to it (for BiW27 only the days before the next BiW1).
        let start = try #require(CalendarDate(iso: example.start))
        #expect(example.type.period(containing: start) == period)
        #expect(period.contains(start) && period.contains(period.end))
        #expect(!period.contains(start.adding(days: -1)) && !period.contains(period.end.adding(days: 1)))
    }

    @Test(arguments: [
        ("2024-01-15", "20240115"), ("2024-01", "202401"), ("2024-12", "202412"), ("2024W01", "2024W1"),
        ("2024W09", "2024W9"), ("2024BiW01", "2024BiW1"), ("2024SunW01", "2024SunW1"), ("2024-02-29", "20240229"),
    ])
    func acceptsDHIS2InputForms(input: String, canonical: String) throws {
        #expect(try Period(id: input) == Period(id: canonical))
        #expect(try Period(id: input).id == canonical)
    }

    @Test(arguments: [
        ("2024W0", "weeks are numbered from 1"),
        ("2024W54", "2024 has 52 ISO weeks"),
        ("2021W53", "2021 has 52 ISO weeks"),
        ("2024W53", "2024 has 52 ISO weeks"),
        ("2021WedW53", "2021 has 52 WeeklyWednesday weeks"),
        ("2024ThuW53", "2024 has 52 WeeklyThursday weeks"),
        ("2024BiW27", "2024 has 52 ISO weeks, so bi-weeks 1 to 26"),
        ("2020BiW28", "2020 has 53 ISO weeks, so bi-weeks 1 to 27"),
        ("2024BiW0", "bi-weeks are numbered from 1"),
        ("202400", "month must be 01 to 12"),
        ("202413", "month must be 01 to 12"),
        ("2024-13", "month must be 01 to 12"),
        ("2024Q0", "quarter must be 1 to 4"),
        ("2024Q5", "quarter must be 1 to 4"),
        ("2024NovQ5", "quarter must be 1 to 4"),
        ("202407B", "bi-month must be 01 to 06"),
        ("202400B", "bi-month must be 01 to 06"),
        ("2024S3", "half-year must be 1 or 2"),
        ("2024S0", "half-year must be 1 or 2"),
        ("2024AprilS3", "half-year must be 1 or 2"),
        ("2024NovS0", "half-year must be 1 or 2"),
        ("20240230", "2024-02 has 29 days"),
        ("20230229", "2023-02 has 28 days"),
        ("2023-02-29", "2023-02 has 28 days"),
        ("19000229", "1900-02 has 28 days"),
        ("20241301", "month must be 01 to 12"),
        ("20240100", "2024-01 has 31 days"),
    ])
    func rejectsOutOfRange(input: String, reason: String) {
        #expect(throws: PeriodError(input: input, message: "'\(input)' is not a period id: \(reason)")) {
            try Period(id: input)
        }
        #expect(Period.parse(input) == nil)
    }

    @Test(arguments: [
        "garbage", "2024w1", "2024W", "2024W123", "2024Q", "2024Q01", "2024Q10", "24W1", "2024-1", "2024-1-5",
        "2024-01-5", "202401151", "2024011", "2024April1", "2024Apr", "2024April ", " 2024", "2024 ",
        "２０２４", "2024-W1", "2024B", "20241B", "2024W1W", "2024Jan", "2024TwoYearly", "abcdW1", "2024NovQ",
        "2024MonW1", "2024BiW", "2024BiW123", "2024-01-", "-2024", "2024Sep1", "2024S", "20240", "12345",
    ])
    func rejectsUnrecognisedFormats(input: String) throws {
        let error = try #require(throws: PeriodError.self) { try Period(id: input) }
        #expect(error.input == input)
        #expect(error.message.hasPrefix("'\(input)' is not a period id: unrecognised format"))
        #expect(error.description == error.message)
    }

    @Test func errorMessagesStayOnOneLine() throws {
        let error = try #require(throws: PeriodError.self) { try Period(id: "2024Q1\n\t") }
        #expect(error.input == "2024Q1\n\t")
        #expect(error.message.hasPrefix("'2024Q1\\n\\t' is not a period id: unrecognised format"))
        let long = String(repeating: "9", count: 10_000)
        let longError = try #require(throws: PeriodError.self) { try Period(id: long) }
        #expect(longError.input == long)
        #expect(longError.message.count < 300)
    }

    @Test func rejectsEmpty() {
        #expect(throws: PeriodError(input: "", message: "an empty string is not a period id")) {
            try Period(id: "")
        }
    }

    @Test func weekIdsAreNeverZeroPadded() throws {
        #expect(PeriodType.weekly.period(containing: try #require(CalendarDate(iso: "2024-03-01"))).id == "2024W9")
        #expect(PeriodType.biWeekly.period(containing: try #require(CalendarDate(iso: "2024-03-01"))).id == "2024BiW5")
        #expect(PeriodType.monthly.period(containing: try #require(CalendarDate(iso: "2024-03-01"))).id == "202403")
    }

    /// ISO week 53 exists exactly in the years where 1 January is a Thursday, or a Wednesday in a leap year.
    @Test func fiftyThreeWeekYears() throws {
        var withWeek53: [Int] = []
        for year in 1990...2040 {
            let jan1 = try #require(CalendarDate(year: year, month: 1, day: 1)).weekday
            let expected = jan1 == 4 || (jan1 == 3 && CalendarDate.isLeapYear(year))
            let parsed = Period.parse("\(year)W53")
            #expect((parsed != nil) == expected, "\(year)")
            #expect((Period.parse("\(year)BiW27") != nil) == expected, "\(year)")
            if let parsed {
                withWeek53.append(year)
                #expect(parsed.next.id == "\(year + 1)W1")
            } else {
                let last = try Period(id: "\(year)W52")
                #expect(last.next.id == "\(year + 1)W1")
            }
        }
        #expect(withWeek53 == [1992, 1998, 2004, 2009, 2015, 2020, 2026, 2032, 2037])
    }
}
