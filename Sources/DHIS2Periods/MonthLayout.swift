/// Periods made of whole months, numbered within a "labelled year" of twelve months.
///
/// Every month-based DHIS2 type fits this shape: the labelled year begins on `yearStartMonth` and
/// is split into `12 / length` periods numbered from 1. The year printed in the id is the calendar
/// year in which the labelled year starts, except for the November types (`QuarterlyNov`,
/// `SixMonthlyNov`, `FinancialNov`), where DHIS2 prints the year in which it ends.
struct MonthLayout: Sendable {
    enum Format: Sendable {
        /// Year, two-digit period number, suffix: `202401` (monthly), `202401B` (bi-monthly).
        case twoDigits(suffix: String)
        /// Year, infix, one-digit period number: `2024Q1`, `2024NovS2`.
        case indexed(infix: String)
        /// Year and suffix only (one period per labelled year): `2024`, `2024April`.
        case yearOnly(suffix: String)
    }

    /// Months per period; divides 12.
    let length: Int
    /// First month (1…12) of the labelled year.
    let yearStartMonth: Int
    /// True when the id carries the year in which the labelled year ends rather than starts.
    var labelIsEndYear = false
    let format: Format

    var periodsPerYear: Int { 12 / length }

    /// The period starting at month index `startMonthIndex` (year × 12 + month − 1).
    func period(type: PeriodType, startMonthIndex: Int) -> Period {
        let year = CalendarDate.floorDivide(startMonthIndex, 12)
        let start = CalendarDate(uncheckedYear: year, month: startMonthIndex - year * 12 + 1, day: 1)
        return Period(type: type, start: start, end: start.adding(months: length).adding(days: -1))
    }

    /// The period numbered `number` (1…periodsPerYear, not checked here) of labelled year `label`.
    func period(type: PeriodType, label: Int, number: Int) -> Period {
        let firstYear = labelIsEndYear ? label - 1 : label
        return period(type: type, startMonthIndex: firstYear * 12 + yearStartMonth - 1 + (number - 1) * length)
    }

    /// The labelled year and period number of a period starting on the first of `start`'s month.
    func label(of start: CalendarDate) -> (year: Int, number: Int) {
        let monthsIntoYear = CalendarDate.floorModulo(start.month - yearStartMonth, 12)
        let firstYear = start.month >= yearStartMonth ? start.year : start.year - 1
        return (labelIsEndYear ? firstYear + 1 : firstYear, monthsIntoYear / length + 1)
    }

    func id(of start: CalendarDate) -> String {
        let (year, number) = label(of: start)
        let yearText = Period.yearText(year)
        switch format {
        case .twoDigits(let suffix): return yearText + DecimalDigits.padded(number, width: 2) + suffix
        case .indexed(let infix): return yearText + infix + String(number)
        case .yearOnly(let suffix): return yearText + suffix
        }
    }
}
