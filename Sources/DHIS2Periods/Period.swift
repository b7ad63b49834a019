/// One DHIS2 period: a type and the inclusive day range it covers.
///
/// Values are only made by parsing an id or by `PeriodType.period(containing:)` and its relatives,
/// so `start`/`end` always form a real period of `type` and `id` always round-trips.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let type: PeriodType
    public let start: CalendarDate
    /// Inclusive.
    public let end: CalendarDate

    init(type: PeriodType, start: CalendarDate, end: CalendarDate) {
        self.type = type
        self.start = start
        self.end = end
    }

    /// Parses a DHIS2 period id, accepting DHIS2's input forms as well as the canonical ones
    /// (`2024-01-15` for `20240115`, `2024-01` for `202401`, `2024W01` for `2024W1`).
    public init(id: String) throws(PeriodError) {
        self = try PeriodIDParser.parse(id)
    }

    public static func parse(_ id: String) -> Period? {
        try? Period(id: id)
    }

    /// The canonical DHIS2 id, as DHIS2 itself prints it (week numbers are never zero-padded).
    public var id: String {
        switch type.layout {
        case .daily:
            return Period.yearText(start.year) + DecimalDigits.padded(start.month, width: 2)
                + DecimalDigits.padded(start.day, width: 2)
        case .weekly(let numbering, let infix):
            let (year, week) = numbering.week(containing: start)
            return Period.yearText(year) + infix + "W" + String(week)
        case .biWeekly:
            let (year, week) = WeekNumbering.iso.week(containing: start)
            return Period.yearText(year) + "BiW" + String((week + 1) / 2)
        case .months(let months):
            return months.id(of: start)
        }
    }

    public var description: String { id }

    /// The following period of the same type. It starts the day after `end`, except after a
    /// bi-week 27 (`2020BiW27`), which overlaps the next year's `BiW1` by one ISO week.
    public var next: Period {
        type.period(containing: end.adding(days: 1))
    }

    /// The preceding period of the same type (the one whose successor is `self`).
    public var previous: Period {
        type.period(containing: start.adding(days: -1))
    }

    public func contains(_ date: CalendarDate) -> Bool {
        start <= date && date <= end
    }

    /// Number of days covered.
    public var dayCount: Int {
        start.days(to: end) + 1
    }

    /// Chronological by start, then end; ties (periods of different types covering the same days)
    /// are broken by the order of `PeriodType.allCases` so the order is total.
    public static func < (lhs: Period, rhs: Period) -> Bool {
        if lhs.start != rhs.start { return lhs.start < rhs.start }
        if lhs.end != rhs.end { return lhs.end < rhs.end }
        return lhs.type.sortIndex < rhs.type.sortIndex
    }

    /// Years in ids are four digits; DHIS2 has no form for other years, so they print unpadded.
    static func yearText(_ year: Int) -> String {
        year >= 0 ? DecimalDigits.padded(year, width: 4) : String(year)
    }
}

extension Period: LosslessStringConvertible {
    /// Same as `Period.parse(_:)`; lets the CLI take period ids as typed arguments.
    public init?(_ description: String) {
        guard let period = Period.parse(description) else { return nil }
        self = period
    }
}
