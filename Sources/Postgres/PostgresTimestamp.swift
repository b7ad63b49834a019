import Foundation

/// Text conversions for `timestamptz`, `timestamp` and `date` in the ISO style every session is set to.
///
/// Done by hand: `DateFormatter` is slow and locale-sensitive, and the server's output is one fixed shape.
enum PostgresTimestamp {
    /// `2024-03-01T12:30:45.123456Z`.
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded(.down)
        var totalMicros = Int64(micros)
        var days = totalMicros >= 0 ? totalMicros / 86_400_000_000 : (totalMicros + 1) / 86_400_000_000 - 1
        totalMicros -= days * 86_400_000_000
        if totalMicros < 0 {
            totalMicros += 86_400_000_000
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let seconds = totalMicros / 1_000_000
        let fraction = totalMicros % 1_000_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(fraction, 6))Z"
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]]`, `infinity` and `-infinity`.
    /// A value without an offset is taken as UTC (sessions run with `TimeZone=UTC`).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        let text = Array(bytes)
        if text == Array("infinity".utf8) { return .distantFuture }
        if text == Array("-infinity".utf8) { return .distantPast }
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= text.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<width {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
                index += 1
            }
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < text.count, text[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = civilDays(year: year, month: month, day: day) * 86_400
        var fraction = 0.0
        if index < text.count {
            guard expect(" ") || expect("T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
                let second = number(2)
            else { return nil }
            seconds += hour * 3600 + minute * 60 + second
            if expect(".") {
                var scale = 0.1
                while index < text.count, let digit = Optional(text[index] &- UInt8(ascii: "0")), digit < 10 {
                    fraction += Double(digit) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < text.count {
                let sign: Int64
                if expect("+") {
                    sign = 1
                } else if expect("-") {
                    sign = -1
                } else if expect("Z") {
                    sign = 0
                } else {
                    return nil
                }
                if sign != 0 {
                    guard let offsetHours = number(2) else { return nil }
                    var offset = offsetHours * 3600
                    if expect(":") {
                        guard let offsetMinutes = number(2) else { return nil }
                        offset += offsetMinutes * 60
                        if expect(":") {
                            guard let offsetSeconds = number(2) else { return nil }
                            offset += offsetSeconds
                        }
                    }
                    seconds -= sign * offset
                }
            }
        }
        // Anything left over (a ` BC` era, say) is a shape this layer does not claim to read.
        guard index == text.count else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
    static func civilDays(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
