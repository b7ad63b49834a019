extension Timestamp {
    /// Parses what DHIS2's `DateUtils.parseDate` accepts for query parameters and payload timestamps:
    /// `yyyy`, `yyyy-MM`, `yyyy-MM-dd`, `yyyy-MM-dd'T'HH[:mm[:ss[.SSS…]]]` with an optional `Z`, `±HH:mm` or
    /// `±HHmm` zone, and a space instead of `T`. Without a zone the text is server local time, i.e. UTC here.
    public init?(parsing text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4) else { return nil }
        var month = 1
        var day = 1
        var millis: Int64 = 0
        if scanner.take(UInt8(ascii: "-")) {
            guard let parsedMonth = scanner.number(digits: 2), (1...12).contains(parsedMonth) else { return nil }
            month = parsedMonth
            if scanner.take(UInt8(ascii: "-")) {
                guard let parsedDay = scanner.number(digits: 2), (1...31).contains(parsedDay) else { return nil }
                day = parsedDay
                if scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: " ")) {
                    guard let time = scanner.timeOfDay() else { return nil }
                    millis = time
                }
            }
        }
        guard let days = Timestamp.days(year: year, month: month, day: day) else { return nil }
        guard let offset = scanner.zoneOffset(), scanner.atEnd else { return nil }
        milliseconds = Int64(days) * 86_400_000 + millis - offset
    }
}

/// A cursor over ASCII bytes for the date grammar above.
private struct DigitScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { position == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + digits] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += digits
        return value
    }

    /// `HH[:mm[:ss[.fraction]]]` in milliseconds.
    mutating func timeOfDay() -> Int64? {
        guard let hour = number(digits: 2), hour < 24 else { return nil }
        var total = Int64(hour) * 3_600_000
        guard take(UInt8(ascii: ":")) else { return total }
        guard let minute = number(digits: 2), minute < 60 else { return nil }
        total += Int64(minute) * 60_000
        guard take(UInt8(ascii: ":")) else { return total }
        guard let second = number(digits: 2), second < 60 else { return nil }
        total += Int64(second) * 1000
        guard take(UInt8(ascii: ".")) else { return total }
        var scale: Int64 = 100
        var sawDigit = false
        while position < bytes.count, bytes[position] >= 0x30 && bytes[position] <= 0x39 {
            total += Int64(bytes[position] - 0x30) * scale
            scale /= 10
            position += 1
            sawDigit = true
        }
        return sawDigit ? total : nil
    }

    /// The zone offset in milliseconds (0 when absent); nil when malformed.
    mutating func zoneOffset() -> Int64? {
        if atEnd { return 0 }
        if take(UInt8(ascii: "Z")) { return 0 }
        let sign: Int64
        if take(UInt8(ascii: "+")) {
            sign = 1
        } else if take(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let hours = number(digits: 2) else { return nil }
        _ = take(UInt8(ascii: ":"))
        let minutes = number(digits: 2) ?? 0
        return sign * (Int64(hours) * 3_600_000 + Int64(minutes) * 60_000)
    }
}
