#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A day in the proleptic Gregorian calendar, with no time of day and no time zone.
///
/// DHIS2 periods are whole days in the server's calendar, so a plain year/month/day triple is the
/// exact model; using `Foundation.Date` would drag in instants and time zones that only add ways
/// to be off by one day.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A validated date; nil when the month or day does not exist (e.g. 2023-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...CalendarDate.daysInMonth(month, of: year)).contains(day) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
    public init?(iso: String) {
        let bytes = Array(iso.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = DecimalDigits.value(of: bytes[0..<4]),
            let month = DecimalDigits.value(of: bytes[5..<7]),
            let day = DecimalDigits.value(of: bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (negative values are before it).
    public init(daysSinceEpoch: Int) {
        // Count from 0000-03-01 so that the leap day is the last day of the (shifted) year; then
        // every 400-year era has the same 146 097-day layout and month lengths follow a fixed
        // 153-days-per-5-months pattern.
        let shifted = daysSinceEpoch + CalendarDate.epochShift
        let era = CalendarDate.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchBasedMonth = (5 * dayOfYear + 2) / 153
        let month = marchBasedMonth < 10 ? marchBasedMonth + 3 : marchBasedMonth - 9
        self.year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = dayOfYear - (153 * marchBasedMonth + 2) / 5 + 1
    }

    /// Days since 1970-01-01 (which is 0); the inverse of `init(daysSinceEpoch:)`.
    public var daysSinceEpoch: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = CalendarDate.floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let marchBasedMonth = (month + 9) % 12
        let dayOfYear = (153 * marchBasedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - CalendarDate.epochShift
    }

    /// `YYYY-MM-DD`; years below 1000 are zero-padded to four digits.
    public var iso: String {
        let sign = year < 0 ? "-" : ""
        return sign + DecimalDigits.padded(abs(year), width: 4) + "-" + DecimalDigits.padded(month, width: 2) + "-"
            + DecimalDigits.padded(day, width: 2)
    }

    public var description: String { iso }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// Moves by whole months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29).
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let newYear = CalendarDate.floorDivide(index, 12)
        let newMonth = index - newYear * 12 + 1
        let newDay = min(day, CalendarDate.daysInMonth(newMonth, of: newYear))
        return CalendarDate(uncheckedYear: newYear, month: newMonth, day: newDay)
    }

    /// Signed number of days from `self` to `other` (positive when `other` is later).
    public func days(to other: CalendarDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (ISO 4).
        CalendarDate.floorModulo(daysSinceEpoch + 3, 7) + 1
    }

    /// Today's date at the given offset from UTC, read from the system clock.
    public static func today(utcOffsetSeconds: Int = 0) -> CalendarDate {
        let secondsSinceEpoch = Int(time(nil)) + utcOffsetSeconds
        return CalendarDate(daysSinceEpoch: floorDivide(secondsSinceEpoch, 86_400))
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Length of `month` (1…12) in `year`; 0 for a month outside 1…12.
    public static func daysInMonth(_ month: Int, of year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// For callers that have already validated the components.
    init(uncheckedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days from 0000-03-01 to 1970-01-01.
    private static let epochShift = 719_468

    static func floorDivide(_ numerator: Int, _ denominator: Int) -> Int {
        let quotient = numerator / denominator
        return (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) ? quotient - 1 : quotient
    }

    static func floorModulo(_ numerator: Int, _ denominator: Int) -> Int {
        numerator - floorDivide(numerator, denominator) * denominator
    }
}

extension CalendarDate: LosslessStringConvertible {
    /// Same as `init(iso:)`; lets the CLI take dates as typed arguments.
    public init?(_ description: String) {
        self.init(iso: description)
    }
}
