import DHIS2Periods
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A UTC instant in milliseconds since 1970-01-01T00:00:00Z.
///
/// The simulated server runs in UTC (`serverTimeZoneId` is `Etc/UTC`), so "server local time" and UTC are
/// the same wall clock; only the suffix differs between formats.
public struct Timestamp: Hashable, Comparable, Sendable {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Midnight UTC of a day counted from 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        milliseconds = Int64(days) * 86_400_000
    }

    public static func now() -> Timestamp {
        // Foundation's Date is the portable wall clock; the C `timespec` resolves through different modules in
        // debug and release builds here.
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public var daysSinceEpoch: Int { Int((milliseconds - (milliseconds < 0 ? 86_399_999 : 0)) / 86_400_000) }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSS`: DHIS2's metadata/WebMessage format (no zone).
    public var isoNoZone: String { String(decoding: formatted(zoneSuffix: false), as: UTF8.self) }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`: the data value export format of 2.38–2.42.
    public var isoGMT: String { String(decoding: formatted(zoneSuffix: true), as: UTF8.self) }

    /// `yyyy-MM-dd`.
    public var dateOnly: String {
        let (year, month, day) = Timestamp.civil(fromDays: daysSinceEpoch)
        return Timestamp.pad(year, 4) + "-" + Timestamp.pad(month, 2) + "-" + Timestamp.pad(day, 2)
    }

    /// Appends the timestamp as ASCII bytes; the export writer calls this once per value.
    func append(to output: inout [UInt8], zoneSuffix: Bool) {
        let days = daysSinceEpoch
        let (year, month, day) = Timestamp.civil(fromDays: days)
        let inDay = Int(milliseconds - Int64(days) * 86_400_000)
        appendDigits(year, 4, &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(month, 2, &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(day, 2, &output)
        output.append(UInt8(ascii: "T"))
        appendDigits(inDay / 3_600_000, 2, &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(inDay / 60_000 % 60, 2, &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(inDay / 1000 % 60, 2, &output)
        output.append(UInt8(ascii: "."))
        appendDigits(inDay % 1000, 3, &output)
        if zoneSuffix { output.append(contentsOf: "+0000".utf8) }
    }

    private func formatted(zoneSuffix: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(28)
        append(to: &output, zoneSuffix: zoneSuffix)
        return output
    }

    private func appendDigits(_ value: Int, _ width: Int, _ output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Days since 1970-01-01, or nil for a date that does not exist; the calendar arithmetic is
    /// DHIS2Periods' `CalendarDate`, shared with the period logic.
    static func days(year: Int, month: Int, day: Int) -> Int? {
        CalendarDate(year: year, month: month, day: day)?.daysSinceEpoch
    }

    /// The proleptic Gregorian date of a day count.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let date = CalendarDate(daysSinceEpoch: days)
        return (date.year, date.month, date.day)
    }
}
