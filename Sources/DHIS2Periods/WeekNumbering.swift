/// Week numbering for weeks that begin on a fixed weekday, with DHIS2's rule for week 1: the week
/// that contains 4 January (equivalently, the first week with at least four days in the new year).
///
/// With Monday as the first day this is ISO 8601; DHIS2 applies the same rule to its Wednesday …
/// Sunday weekly types, and the year in their ids is this week-based year, not the calendar year.
struct WeekNumbering: Hashable, Sendable {
    /// ISO weekday the weeks begin on: 1 = Monday … 7 = Sunday.
    let firstWeekday: Int

    static let iso = WeekNumbering(firstWeekday: 1)

    /// The first day of the week containing `date`.
    func weekStart(containing date: CalendarDate) -> CalendarDate {
        date.adding(days: -CalendarDate.floorModulo(date.weekday - firstWeekday, 7))
    }

    /// The first day of week 1 of the week-based `year`.
    func firstWeekStart(ofYear year: Int) -> CalendarDate {
        weekStart(containing: CalendarDate(uncheckedYear: year, month: 1, day: 4))
    }

    /// 52 or 53.
    func weeksInYear(_ year: Int) -> Int {
        firstWeekStart(ofYear: year).days(to: firstWeekStart(ofYear: year + 1)) / 7
    }

    /// The week-based year and week number of the week containing `date`.
    func week(containing date: CalendarDate) -> (year: Int, week: Int) {
        let start = weekStart(containing: date)
        // A week belongs to the year holding its fourth day, because that is the year holding the
        // majority (at least four) of its seven days.
        let year = start.adding(days: 3).year
        return (year, firstWeekStart(ofYear: year).days(to: start) / 7 + 1)
    }

    /// The first day of `week` of the week-based `year`; the week is not range-checked.
    func start(ofWeek week: Int, year: Int) -> CalendarDate {
        firstWeekStart(ofYear: year).adding(days: (week - 1) * 7)
    }
}
