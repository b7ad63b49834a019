/// The CLI's period flags (design.md §2), made exact: a closed range of days, and the periods of a
/// data set's own period type that lie entirely within it.
public struct PeriodWindow: Hashable, Sendable {
    public let range: ClosedRange<CalendarDate>

    public init(range: ClosedRange<CalendarDate>) {
        self.range = range
    }

    /// `--year Y`: Y-01-01 … Y-12-31.
    public static func year(_ year: Int) -> PeriodWindow {
        monthSpan(firstMonth: 1, count: 12, year: year)
    }

    /// `--year Y --quarter Q`: the three months of calendar quarter Q (1…4).
    public static func quarter(_ q: Int, of year: Int) throws(PeriodError) -> PeriodWindow {
        guard (1...4).contains(q) else {
            throw PeriodError(input: String(q), message: "--quarter \(q) is out of range: quarters are 1 to 4")
        }
        return monthSpan(firstMonth: 3 * q - 2, count: 3, year: year)
    }

    /// `--year Y --month M`: calendar month M (1…12).
    public static func month(_ m: Int, of year: Int) throws(PeriodError) -> PeriodWindow {
        guard (1...12).contains(m) else {
            throw PeriodError(input: String(m), message: "--month \(m) is out of range: months are 1 to 12")
        }
        return monthSpan(firstMonth: m, count: 1, year: year)
    }

    /// `--days-back N`: [today − N, today]; N = 0 is today alone.
    public static func daysBack(_ n: Int, from today: CalendarDate) throws(PeriodError) -> PeriodWindow {
        guard n >= 0 else {
            throw PeriodError(input: String(n), message: "--days-back \(n) is negative: it counts days before today")
        }
        return PeriodWindow(range: today.adding(days: -n)...today)
    }

    /// `--current-date`: today alone.
    public static func currentDate(_ today: CalendarDate) -> PeriodWindow {
        PeriodWindow(range: today...today)
    }

    /// The periods of `type` to sync for this window: those lying entirely within it.
    public func periods(of type: PeriodType) -> [Period] {
        type.periods(within: range)
    }

    /// The periods of `type` that touch this window at all, for callers that want partial periods
    /// (e.g. the running month under `--days-back`).
    public func overlappingPeriods(of type: PeriodType) -> [Period] {
        type.periods(overlapping: range)
    }

    public func contains(_ date: CalendarDate) -> Bool {
        range.contains(date)
    }

    private static func monthSpan(firstMonth: Int, count: Int, year: Int) -> PeriodWindow {
        let first = CalendarDate(uncheckedYear: year, month: firstMonth, day: 1)
        return PeriodWindow(range: first...first.adding(months: count).adding(days: -1))
    }
}
