import DHIS2Periods
import Foundation
import Testing

// Foundation is used here only as an independent oracle for the calendar arithmetic.

@Suite struct CalendarDateTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 1, 1, 10_957), (2024, 1, 1, 19_723), (2024, 2, 29, 19_782),
        (1900, 3, 1, -25_508), (1, 1, 1, -719_162), (9999, 12, 31, 2_932_896),
    ])
    func knownDaysSinceEpoch(year: Int, month: Int, day: Int, days: Int) throws {
        let date = try #require(CalendarDate(year: year, month: month, day: day))
        #expect(date.daysSinceEpoch == days)
        #expect(CalendarDate(daysSinceEpoch: days) == date)
    }

    @Test(arguments: [
        ((2024, 2, 29), true), ((2023, 2, 29), false), ((1900, 2, 29), false), ((2000, 2, 29), true),
        ((2100, 2, 29), false), ((2400, 2, 29), true), ((2024, 2, 30), false), ((2024, 4, 31), false),
        ((2024, 4, 30), true), ((2024, 12, 31), true), ((2024, 13, 1), false), ((2024, 0, 1), false),
        ((2024, 1, 0), false), ((2024, 1, 32), false), ((2024, -1, 1), false),
    ])
    func validation(components: (Int, Int, Int), valid: Bool) {
        let date = CalendarDate(year: components.0, month: components.1, day: components.2)
        #expect((date != nil) == valid)
    }

    @Test func leapYearRule() {
        #expect(CalendarDate.isLeapYear(2024))
        #expect(!CalendarDate.isLeapYear(2023))
        #expect(!CalendarDate.isLeapYear(1900))
        #expect(CalendarDate.isLeapYear(2000))
        #expect(!CalendarDate.isLeapYear(2100))
        #expect(CalendarDate.daysInMonth(2, of: 2024) == 29)
        #expect(CalendarDate.daysInMonth(2, of: 1900) == 28)
        #expect(CalendarDate.daysInMonth(13, of: 2024) == 0)
    }

    @Test(arguments: ["2024-01-05", "2024-02-29", "0005-03-01", "1970-01-01", "9999-12-31"])
    func isoRoundTrip(text: String) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(date.iso == text)
        #expect(date.description == text)
    }

    @Test(arguments: [
        "2023-02-29", "2024-2-29", "2024/02/29", "20240229", " 2024-02-29", "2024-02-29 ", "2024-13-01", "2024-00-10",
        "2024-01-00", "", "abcd-ef-gh", "+024-01-01", "2024-01-1x", "2024-01-015",
    ])
    func isoRejects(text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test func isoPadsSmallYears() throws {
        #expect(try #require(CalendarDate(year: 5, month: 1, day: 2)).iso == "0005-01-02")
    }

    @Test(arguments: [
        ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2024-03-31", -1, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"), ("2024-02-29", 48, "2028-02-29"), ("2024-01-15", -13, "2022-12-15"),
        ("2024-12-31", 1, "2025-01-31"), ("2024-05-31", 0, "2024-05-31"), ("2024-10-31", -1, "2024-09-30"),
        ("0001-01-01", -1, "0000-12-01"),
    ])
    func addingMonthsClampsDay(from: String, months: Int, expected: String) throws {
        let date = try #require(CalendarDate(iso: from))
        #expect(date.adding(months: months).iso == expected)
    }

    @Test func addingDays() throws {
        let date = try #require(CalendarDate(iso: "2024-02-28"))
        #expect(date.adding(days: 1).iso == "2024-02-29")
        #expect(date.adding(days: 2).iso == "2024-03-01")
        #expect(date.adding(days: -59).iso == "2023-12-31")
        #expect(date.adding(days: 366).iso == "2025-02-28")
        #expect(date.days(to: date.adding(days: 1000)) == 1000)
    }

    @Test(arguments: [("1970-01-01", 4), ("2024-01-01", 1), ("2000-01-01", 6), ("2023-12-31", 7), ("1969-12-29", 1)])
    func weekday(iso: String, expected: Int) throws {
        #expect(try #require(CalendarDate(iso: iso)).weekday == expected)
    }

    @Test func ordering() throws {
        let dates = try ["2024-01-01", "2023-12-31", "2024-02-01", "2023-01-31", "1999-12-31"].map {
            try #require(CalendarDate(iso: $0))
        }
        #expect(dates.sorted().map(\.iso) == ["1999-12-31", "2023-01-31", "2023-12-31", "2024-01-01", "2024-02-01"])
        #expect(dates.sorted() == dates.sorted { $0.daysSinceEpoch < $1.daysSinceEpoch })
    }

    /// Walks day by day from 1970 in both directions with a deliberately naive calendar and checks
    /// both conversions (and the weekday) on every day from year 1000 to 3000.
    @Test func matchesNaiveDayByDayWalk() {
        func naiveLength(_ month: Int, _ year: Int) -> Int {
            let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
            return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        }
        var mismatches: [String] = []
        func check(_ days: Int, _ y: Int, _ m: Int, _ d: Int, _ weekday: Int) {
            let date = CalendarDate(daysSinceEpoch: days)
            if date.year != y || date.month != m || date.day != d || date.weekday != weekday
                || CalendarDate(year: y, month: m, day: d)?.daysSinceEpoch != days
            {
                mismatches.append("\(days): \(date) vs \(y)-\(m)-\(d)")
            }
        }
        var (y, m, d, days, weekday) = (1970, 1, 1, 0, 4)
        while y < 3000 && mismatches.count < 10 {
            check(days, y, m, d, weekday)
            days += 1
            weekday = weekday % 7 + 1
            d += 1
            if d > naiveLength(m, y) {
                d = 1
                m += 1
                if m > 12 {
                    m = 1
                    y += 1
                }
            }
        }
        (y, m, d, days, weekday) = (1970, 1, 1, 0, 4)
        while y >= 1000 && mismatches.count < 10 {
            check(days, y, m, d, weekday)
            days -= 1
            weekday = weekday == 1 ? 7 : weekday - 1
            d -= 1
            if d == 0 {
                m -= 1
                if m == 0 {
                    m = 12
                    y -= 1
                }
                d = naiveLength(m, y)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    /// Foundation's Gregorian calendar switches to Julian before October 1582, so compare after it.
    @Test func matchesFoundationCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let first = try #require(CalendarDate(iso: "1583-01-01")).daysSinceEpoch
        let last = try #require(CalendarDate(iso: "3000-12-31")).daysSinceEpoch
        let dense =
            try #require(CalendarDate(iso: "1900-01-01"))
            .daysSinceEpoch...(try #require(
                CalendarDate(iso: "2100-12-31")
            ))
            .daysSinceEpoch
        var mismatches: [String] = []
        for days in Array(stride(from: first, through: last, by: 7)) + Array(dense) {
            let instant = Date(timeIntervalSince1970: Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
            let date = CalendarDate(daysSinceEpoch: days)
            // Foundation numbers weekdays 1 = Sunday … 7 = Saturday.
            let isoWeekday = (parts.weekday! + 5) % 7 + 1
            if (date.year, date.month, date.day, date.weekday) != (parts.year!, parts.month!, parts.day!, isoWeekday) {
                mismatches.append("\(days): \(date) vs \(parts)")
                if mismatches.count > 10 { break }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func todayFollowsTheSystemClock() {
        func utcToday() -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month, .day], from: Date())
            return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!.iso
        }
        // Read the oracle on both sides so a run across midnight cannot fail spuriously.
        let before = utcToday()
        let today = CalendarDate.today()
        let tomorrow = CalendarDate.today(utcOffsetSeconds: 86_400)
        let yesterday = CalendarDate.today(utcOffsetSeconds: -86_400)
        let after = utcToday()
        #expect(today.iso == before || today.iso == after)
        #expect(today.days(to: tomorrow) == 1 || today.days(to: tomorrow) == 2)
        #expect(yesterday.days(to: today) == 1 || yesterday.days(to: today) == 2)
    }
}
