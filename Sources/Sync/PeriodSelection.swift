import DHIS2Periods

/// The period flags of `dhis2-sync run`, made exact (design.md §2).
public enum PeriodSelection: Sendable, Hashable, CustomStringConvertible {
    case year(Int)
    case quarter(Int, of: Int)
    case month(Int, of: Int)
    /// One DHIS2 period id: each data set gets the periods of its own type inside it.
    case period(String)
    /// Today and the N days before it.
    case daysBack(Int)
    case currentDate

    /// Builds the selection from the flags as given; conflicting or incomplete flags are an error
    /// naming what to give instead.
    public static func from(
        year: Int?,
        quarter: Int?,
        month: Int?,
        period: String?,
        daysBack: Int?,
        currentDate: Bool
    ) throws(SyncError) -> PeriodSelection? {
        let kinds = [year != nil, period != nil, daysBack != nil, currentDate].filter { $0 }.count
        if kinds > 1 {
            throw SyncError(
                .invalidInput,
                "give one of --year (with --quarter or --month), --period, --days-back and --current-date"
            )
        }
        if quarter != nil && month != nil {
            throw SyncError(.invalidInput, "--quarter and --month exclude each other; give one")
        }
        if (quarter != nil || month != nil) && year == nil {
            throw SyncError(.invalidInput, "--quarter and --month need --year, e.g. --year 2024 --quarter 1")
        }
        if let year {
            guard (1900...2999).contains(year) else {
                throw SyncError(.invalidInput, "--year \(year) is out of range; give a four-digit year")
            }
            if let quarter {
                guard (1...4).contains(quarter) else {
                    throw SyncError(.invalidInput, "--quarter \(quarter) is not 1, 2, 3 or 4")
                }
                return .quarter(quarter, of: year)
            }
            if let month {
                guard (1...12).contains(month) else {
                    throw SyncError(.invalidInput, "--month \(month) is not between 1 and 12")
                }
                return .month(month, of: year)
            }
            return .year(year)
        }
        if let period {
            guard Period.parse(period) != nil else {
                throw SyncError(
                    .invalidInput,
                    "--period '\(period)' is not a DHIS2 period id (e.g. 202401, 2024Q1, 2024W05, 2024AprilS1)"
                )
            }
            return .period(period)
        }
        if let daysBack {
            guard (1...3660).contains(daysBack) else {
                throw SyncError(.invalidInput, "--days-back \(daysBack) must be between 1 and 3660")
            }
            return .daysBack(daysBack)
        }
        return currentDate ? .currentDate : nil
    }

    /// The date window the selection stands for, relative to `today` where it needs one.
    public func window(today: CalendarDate) -> PeriodWindow {
        // The flags were validated in `from`, so the constructors cannot fail here.
        switch self {
        case .year(let year):
            return .year(year)
        case .quarter(let quarter, let year):
            return (try? .quarter(quarter, of: year)) ?? .year(year)
        case .month(let month, let year):
            return (try? .month(month, of: year)) ?? .year(year)
        case .period(let id):
            guard let period = Period.parse(id) else { return .currentDate(today) }
            return PeriodWindow(range: period.start...period.end)
        case .daysBack(let days):
            return (try? .daysBack(days, from: today)) ?? .currentDate(today)
        case .currentDate:
            return .currentDate(today)
        }
    }

    public var description: String {
        switch self {
        case .year(let year): "--year \(year)"
        case .quarter(let quarter, let year): "--year \(year) --quarter \(quarter)"
        case .month(let month, let year): "--year \(year) --month \(month)"
        case .period(let id): "--period \(id)"
        case .daysBack(let days): "--days-back \(days)"
        case .currentDate: "--current-date"
        }
    }
}
