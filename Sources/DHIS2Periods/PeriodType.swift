/// A DHIS2 period type; the raw value is DHIS2's own name (as in `/api/dataSets` `periodType`).
///
/// DHIS2's `TwoYearly` is deliberately absent: it has no period id format, so no data of that type
/// can be exported or imported by id. `init(name:)` refuses it with a message saying so.
public enum PeriodType: String, CaseIterable, Sendable {
    case daily = "Daily"
    case weekly = "Weekly"
    case weeklyWednesday = "WeeklyWednesday"
    case weeklyThursday = "WeeklyThursday"
    case weeklyFriday = "WeeklyFriday"
    case weeklySaturday = "WeeklySaturday"
    case weeklySunday = "WeeklySunday"
    case biWeekly = "BiWeekly"
    case monthly = "Monthly"
    case biMonthly = "BiMonthly"
    case quarterly = "Quarterly"
    case quarterlyNov = "QuarterlyNov"
    case sixMonthly = "SixMonthly"
    case sixMonthlyApril = "SixMonthlyApril"
    case sixMonthlyNov = "SixMonthlyNov"
    case yearly = "Yearly"
    case financialFeb = "FinancialFeb"
    case financialApril = "FinancialApril"
    case financialJuly = "FinancialJuly"
    case financialAug = "FinancialAug"
    case financialSep = "FinancialSep"
    case financialOct = "FinancialOct"
    case financialNov = "FinancialNov"

    /// Looks up a DHIS2 period-type name, with a clear error for `TwoYearly` and for unknown names.
    public init(name: String) throws(PeriodError) {
        if let type = PeriodType(rawValue: name) {
            self = type
        } else if name == "TwoYearly" {
            throw PeriodError(
                input: name,
                message: "period type 'TwoYearly' is not supported: DHIS2 has no period id format for it"
            )
        } else {
            let known = PeriodType.allCases.map(\.rawValue).joined(separator: ", ")
            throw PeriodError(input: name, message: "'\(name)' is not a DHIS2 period type (known: \(known))")
        }
    }

    /// The lowest DHIS2 2.x minor version whose servers know this type; 38 for every type that all
    /// supported versions (2.38 onwards) share.
    public var minimumServerMinorVersion: Int {
        switch self {
        case .financialSep: 42
        case .weeklyFriday, .financialFeb, .financialAug: 43
        default: 38
        }
    }

    /// The period of this type that contains `date`.
    ///
    /// For `biWeekly` in the year after a 53-week year, two periods contain the first ISO week
    /// (`yyyyBiW27` of the old year and `BiW1` of the new); this returns the later-starting one,
    /// `BiW1`, as DHIS2 does.
    public func period(containing date: CalendarDate) -> Period {
        switch layout {
        case .daily:
            return Period(type: self, start: date, end: date)
        case .weekly(let numbering, _):
            let start = numbering.weekStart(containing: date)
            return Period(type: self, start: start, end: start.adding(days: 6))
        case .biWeekly:
            // Bi-weeks start on every odd ISO week of the week-based year.
            let (year, week) = WeekNumbering.iso.week(containing: date)
            let start = WeekNumbering.iso.start(ofWeek: week % 2 == 1 ? week : week - 1, year: year)
            return Period(type: self, start: start, end: start.adding(days: 13))
        case .months(let months):
            let monthIndex = date.year * 12 + date.month - 1
            let startIndex =
                monthIndex - CalendarDate.floorModulo(monthIndex - (months.yearStartMonth - 1), months.length)
            return months.period(type: self, startMonthIndex: startIndex)
        }
    }

    /// Periods of this type lying ENTIRELY within [start, end] (inclusive), in order.
    public func periods(within range: ClosedRange<CalendarDate>) -> [Period] {
        var candidate = period(containing: range.lowerBound)
        if candidate.start < range.lowerBound {
            candidate = candidate.next
        }
        var result: [Period] = []
        while candidate.end <= range.upperBound {
            result.append(candidate)
            candidate = candidate.next
        }
        return result
    }

    /// Periods of this type that overlap [start, end], in order.
    public func periods(overlapping range: ClosedRange<CalendarDate>) -> [Period] {
        var first = period(containing: range.lowerBound)
        // Only bi-weeks overlap one another, so this steps back at most once (to `yyyyBiW27`).
        while first.previous.end >= range.lowerBound {
            first = first.previous
        }
        var result: [Period] = []
        var candidate = first
        while candidate.start <= range.upperBound {
            result.append(candidate)
            candidate = candidate.next
        }
        return result
    }

    /// Position in `allCases`, used to make `Period`'s ordering total.
    var sortIndex: Int {
        PeriodType.allCases.firstIndex(of: self)!
    }

    /// How periods of this type are laid out on the calendar and named.
    enum Layout: Sendable {
        case daily
        /// Seven-day weeks; `infix` goes between the year and `W` in the id ("" for ISO weeks).
        case weekly(WeekNumbering, infix: String)
        /// Fourteen days starting on an odd ISO week.
        case biWeekly
        case months(MonthLayout)
    }

    var layout: Layout {
        switch self {
        case .daily: .daily
        case .weekly: .weekly(.iso, infix: "")
        case .weeklyWednesday: .weekly(WeekNumbering(firstWeekday: 3), infix: "Wed")
        case .weeklyThursday: .weekly(WeekNumbering(firstWeekday: 4), infix: "Thu")
        case .weeklyFriday: .weekly(WeekNumbering(firstWeekday: 5), infix: "Fri")
        case .weeklySaturday: .weekly(WeekNumbering(firstWeekday: 6), infix: "Sat")
        case .weeklySunday: .weekly(WeekNumbering(firstWeekday: 7), infix: "Sun")
        case .biWeekly: .biWeekly
        case .monthly: .months(MonthLayout(length: 1, yearStartMonth: 1, format: .twoDigits(suffix: "")))
        case .biMonthly: .months(MonthLayout(length: 2, yearStartMonth: 1, format: .twoDigits(suffix: "B")))
        case .quarterly: .months(MonthLayout(length: 3, yearStartMonth: 1, format: .indexed(infix: "Q")))
        case .quarterlyNov:
            .months(MonthLayout(length: 3, yearStartMonth: 11, labelIsEndYear: true, format: .indexed(infix: "NovQ")))
        case .sixMonthly: .months(MonthLayout(length: 6, yearStartMonth: 1, format: .indexed(infix: "S")))
        case .sixMonthlyApril: .months(MonthLayout(length: 6, yearStartMonth: 4, format: .indexed(infix: "AprilS")))
        case .sixMonthlyNov:
            .months(MonthLayout(length: 6, yearStartMonth: 11, labelIsEndYear: true, format: .indexed(infix: "NovS")))
        case .yearly: .months(MonthLayout(length: 12, yearStartMonth: 1, format: .yearOnly(suffix: "")))
        case .financialFeb: .months(MonthLayout(length: 12, yearStartMonth: 2, format: .yearOnly(suffix: "Feb")))
        case .financialApril: .months(MonthLayout(length: 12, yearStartMonth: 4, format: .yearOnly(suffix: "April")))
        case .financialJuly: .months(MonthLayout(length: 12, yearStartMonth: 7, format: .yearOnly(suffix: "July")))
        case .financialAug: .months(MonthLayout(length: 12, yearStartMonth: 8, format: .yearOnly(suffix: "Aug")))
        case .financialSep: .months(MonthLayout(length: 12, yearStartMonth: 9, format: .yearOnly(suffix: "Sep")))
        case .financialOct: .months(MonthLayout(length: 12, yearStartMonth: 10, format: .yearOnly(suffix: "Oct")))
        case .financialNov:
            .months(MonthLayout(length: 12, yearStartMonth: 11, labelIsEndYear: true, format: .yearOnly(suffix: "Nov")))
        }
    }
}
