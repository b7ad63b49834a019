import ArgumentParser
import Sync

/// The period flags (design.md §2), shared by `run`, `verify` and `pair check`.
struct PeriodOptions: ParsableArguments {
    @Option(help: "A calendar year, e.g. 2024.") var year: Int?
    @Option(help: "A quarter of --year, 1-4.") var quarter: Int?
    @Option(help: "A month of --year, 1-12.") var month: Int?
    @Option(help: "One DHIS2 period id, e.g. 2024Q1; each data set gets its own periods inside it.") var period: String?
    @Option(help: "Today and the N days before it.") var daysBack: Int?
    @Flag(help: "Today alone.") var currentDate = false

    /// The window the flags name, nil when none was given.
    func selection() throws(SyncError) -> PeriodSelection? {
        try PeriodSelection.from(
            year: year,
            quarter: quarter,
            month: month,
            period: period,
            daysBack: daysBack,
            currentDate: currentDate
        )
    }
}
