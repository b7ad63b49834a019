import ArgumentParser
import DHIS2
import DHIS2Periods
import Sync

extension PairCommand {
    /// `pair check NAME`: the pre-flight check, on demand.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the destination can take the pair's values: metadata, assignments, open periods.",
            discussion: """
                Data sets, data elements, category option combos, attribute option combos and org units of the \
                pair must exist on the destination (by UID, by code under --id-scheme CODE, or through the \
                pair's mappings); option combos must belong to the element's (or data set's) combo there, org \
                units be assigned to the data set, and the window's periods be open for entry. Problems are \
                grouped by kind with counts and first examples. Exits 1 when there are any. Without period \
                flags the last 365 days are checked. A pair's first run runs this check itself.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pair's name.") var name: String
        @OptionGroup var periods: PeriodOptions
        @Option(help: "Examples shown per kind of problem.") var examples = 5

        func validate() throws {
            do {
                _ = try periods.selection()
            } catch {
                throw ValidationError(error.message)
            }
            guard examples >= 0 else { throw ValidationError("--examples must be 0 or more") }
        }

        func run() async throws {
            try await reportingErrors {
                let logger = global.makeLogger()
                let connection = try await global.connectDatabase(logger: logger)
                let pair = try await PairStore(connection: connection).get(name)
                let today = CalendarDate.today()
                let window = try periods.selection()?.window(today: today) ?? PairChecker.defaultWindow(today: today)
                let report = try await PairClients.with(pair, logger: logger) { source, destination in
                    try await PairChecker(connection: connection, logger: logger)
                        .check(pair, window: window, today: today, source: source, destination: destination)
                }
                print(report.lines(pair: pair.name, examples: examples).joined(separator: "\n"))
                if !report.isClean {
                    throw CLIError(
                        "pair \(pair.name): \(report.problems.count) problems on the destination; fix its metadata "
                            + "(or map the ids) before syncing"
                    )
                }
            }
        }
    }
}
