/// Parses DHIS2 period ids.
///
/// Each type's accepted forms are tiny fixed patterns after the four-digit year, matched exactly
/// (DHIS2's regexes are anchored at word boundaries, so the whole id must match). The patterns are
/// mutually exclusive, so the order in which types are tried does not matter.
enum PeriodIDParser {
    enum Element {
        case literal(String)
        /// A run of ASCII digits whose length lies in the range.
        case digits(ClosedRange<Int>)
    }

    static func parse(_ input: String) throws(PeriodError) -> Period {
        guard !input.isEmpty else {
            throw PeriodError(input: input, message: "an empty string is not a period id")
        }
        let bytes = Array(input.utf8)
        guard bytes.count >= 4, let year = DecimalDigits.value(of: bytes[0..<4]) else {
            throw unrecognised(input)
        }
        let rest = bytes[4...]
        for type in PeriodType.allCases {
            for pattern in patterns(for: type) {
                if let fields = match(pattern, rest) {
                    return try build(type, year: year, fields: fields, input: input)
                }
            }
        }
        throw unrecognised(input)
    }

    static func patterns(for type: PeriodType) -> [[Element]] {
        switch type.layout {
        case .daily:
            return [[.digits(2...2), .digits(2...2)], [.literal("-"), .digits(2...2), .literal("-"), .digits(2...2)]]
        case .weekly(_, let infix):
            // DHIS2 accepts one or two digits, so `2024W01` is read as week 1.
            return [[.literal(infix + "W"), .digits(1...2)]]
        case .biWeekly:
            return [[.literal("BiW"), .digits(1...2)]]
        case .months(let months):
            switch months.format {
            case .twoDigits(let suffix):
                let canonical: [Element] = [.digits(2...2), .literal(suffix)]
                return type == .monthly ? [canonical, [.literal("-"), .digits(2...2)]] : [canonical]
            case .indexed(let infix):
                return [[.literal(infix), .digits(1...1)]]
            case .yearOnly(let suffix):
                return [[.literal(suffix)]]
            }
        }
    }

    /// The numbers captured by the digit elements, or nil unless `pattern` matches all of `bytes`.
    static func match(_ pattern: [Element], _ bytes: ArraySlice<UInt8>) -> [Int]? {
        var position = bytes.startIndex
        var fields: [Int] = []
        for element in pattern {
            switch element {
            case .literal(let text):
                for byte in text.utf8 {
                    guard position < bytes.endIndex, bytes[position] == byte else { return nil }
                    position += 1
                }
            case .digits(let lengths):
                var end = position
                while end < bytes.endIndex, end - position < lengths.upperBound,
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end])
                {
                    end += 1
                }
                guard lengths.contains(end - position), let value = DecimalDigits.value(of: bytes[position..<end])
                else { return nil }
                fields.append(value)
                position = end
            }
        }
        return position == bytes.endIndex ? fields : nil
    }

    static func build(_ type: PeriodType, year: Int, fields: [Int], input: String) throws(PeriodError) -> Period {
        switch type.layout {
        case .daily:
            let (month, day) = (fields[0], fields[1])
            guard (1...12).contains(month) else {
                throw .invalidID(input, "month must be 01 to 12")
            }
            guard let date = CalendarDate(year: year, month: month, day: day) else {
                let monthText = Period.yearText(year) + "-" + DecimalDigits.padded(month, width: 2)
                let length = CalendarDate.daysInMonth(month, of: year)
                throw .invalidID(input, "\(monthText) has \(length) days")
            }
            return type.period(containing: date)
        case .weekly(let numbering, _):
            let week = fields[0]
            let weeks = numbering.weeksInYear(year)
            guard week >= 1 else { throw .invalidID(input, "weeks are numbered from 1") }
            guard week <= weeks else {
                let kind = type == .weekly ? "ISO weeks" : "\(type.rawValue) weeks"
                throw .invalidID(input, "\(year) has \(weeks) \(kind)")
            }
            return type.period(containing: numbering.start(ofWeek: week, year: year))
        case .biWeekly:
            let biWeek = fields[0]
            let weeks = WeekNumbering.iso.weeksInYear(year)
            let biWeeks = (weeks + 1) / 2
            guard biWeek >= 1 else { throw .invalidID(input, "bi-weeks are numbered from 1") }
            guard biWeek <= biWeeks else {
                throw .invalidID(input, "\(year) has \(weeks) ISO weeks, so bi-weeks 1 to \(biWeeks)")
            }
            return type.period(containing: WeekNumbering.iso.start(ofWeek: 2 * biWeek - 1, year: year))
        case .months(let months):
            guard case .yearOnly = months.format else {
                let number = fields[0]
                guard (1...months.periodsPerYear).contains(number) else {
                    throw .invalidID(input, rangeMessage(for: months))
                }
                return months.period(type: type, label: year, number: number)
            }
            return months.period(type: type, label: year, number: 1)
        }
    }

    static func rangeMessage(for months: MonthLayout) -> String {
        switch months.length {
        case 1: "month must be 01 to 12"
        case 2: "bi-month must be 01 to 06"
        case 3: "quarter must be 1 to 4"
        default: "half-year must be 1 or 2"
        }
    }

    static func unrecognised(_ input: String) -> PeriodError {
        .invalidID(
            input,
            "unrecognised format (expected e.g. 20240115, 2024W1, 2024WedW1, 2024BiW1, 202401, 202401B, 2024Q1, "
                + "2024NovQ1, 2024S1, 2024AprilS1, 2024NovS1, 2024, 2024April, 2024Nov)"
        )
    }
}
