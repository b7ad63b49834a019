import ArgumentParser
import DHIS2
import Foundation

/// `dhis2-sync maintenance integrity …`: DHIS2's data integrity checks.
struct IntegrityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrity",
        abstract: "List, run and read DHIS2's data integrity checks.",
        discussion: """
            --check takes a check name, a * pattern or a code, and may be repeated; without it, every check \
            that is not slow. With --json, output is JSON lines: one object per check or per issue.
            """,
        subcommands: [List.self, Run.self, Summary.self, Details.self, Issues.self]
    )

    /// Which checks, shared by every subcommand.
    struct Selection: ParsableArguments {
        @Option(name: .customLong("check"), help: "A check name, * pattern or code; repeatable.")
        var checks: [String] = []

        /// Named checks that matched nothing are an error; an unnamed run may legitimately be empty.
        func requireMatches(_ found: Bool) throws {
            if !found && !checks.isEmpty {
                throw CLIError("no data integrity check matches \(checks.joined(separator: ", "))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the checks the instance knows.")

        @OptionGroup var instance: MaintenanceOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            try await instance.withClient { client in
                let checks = try await client.integrityChecks(selecting: selection.checks)
                try selection.requireMatches(!checks.isEmpty)
                if instance.json {
                    for check in checks { emitJSONLine(CheckLine(check)) }
                    return
                }
                printTable(
                    ["CHECK", "SEVERITY", "SECTION", "SLOW", "DESCRIPTION"],
                    checks.map {
                        [
                            $0.name, $0.severity.rawValue, $0.section ?? "", $0.isSlow == true ? "slow" : "",
                            $0.label,
                        ]
                    }
                )
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the summary job, printing its notifications until it ends, then the counts."
        )

        @OptionGroup var instance: MaintenanceOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            try await runSummary(instance, selection, showingProgress: true)
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the summary job quietly and print each check's issue count."
        )

        @OptionGroup var instance: MaintenanceOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            try await runSummary(instance, selection, showingProgress: false)
        }
    }

    struct Details: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the details job and print each check with the objects it found."
        )

        @OptionGroup var instance: MaintenanceOptions
        @OptionGroup var selection: Selection

        func run() async throws {
            try await instance.withClient { client in
                let report = try await client.runIntegrityDetails(
                    checks: selection.checks,
                    interval: instance.interval
                )
                try selection.requireMatches(!report.results.isEmpty)
                for result in report.ordered {
                    if instance.json {
                        emitJSONLine(ResultLine(result))
                        continue
                    }
                    let outcome =
                        result.failed
                        ? "failed: \(result.error ?? "no reason given")" : "\(result.issueCount ?? 0) issues"
                    print("\(result.check.name) (\(result.check.severity)): \(outcome)")
                    for issue in result.issues ?? [] {
                        print("  \(issue.id ?? "-")  \(issue.name ?? "")\(issue.comment.map { "  (\($0))" } ?? "")")
                    }
                }
            }
        }
    }

    struct Issues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the details job and stream one row per issue, most severe check first.",
            discussion: "Each check's issues are fetched as rows are printed; --limit stops early."
        )

        @OptionGroup var instance: MaintenanceOptions
        @OptionGroup var selection: Selection
        @Option(help: "Stop after N issues.") var limit: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
        }

        func run() async throws {
            try await instance.withClient { client in
                // Column widths known before the first row, so that rows can be printed as they come.
                let checks = try await client.integrityChecks(selecting: selection.checks)
                try selection.requireMatches(!checks.isEmpty)
                let widths = [8, max(5, checks.map(\.name.count).max() ?? 0), 11, 30]
                /// The first columns padded to their widths (or longer), the comment as it is.
                func line(_ cells: [String]) -> String {
                    let padded = zip(cells, widths).map {
                        $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0)
                    }
                    return (padded + [cells[widths.count]]).joined(separator: "  ")
                }
                if !instance.json { print(line(["SEVERITY", "CHECK", "ID", "NAME", "COMMENT"])) }
                var printed = 0
                for try await row in client.integrityIssues(checks: selection.checks, interval: instance.interval) {
                    if instance.json {
                        emitJSONLine(IssueLine(row))
                    } else {
                        print(
                            line([
                                row.severity.rawValue, row.check, row.issue.id ?? "-", row.issue.name ?? "",
                                row.issue.comment ?? "",
                            ]).trimmingCharacters(in: .whitespaces)
                        )
                    }
                    printed += 1
                    if let limit, printed >= limit { break }
                }
            }
        }
    }
}

/// Runs the summary job, with its notifications or quietly, and prints the counts.
private func runSummary(
    _ options: MaintenanceOptions,
    _ selection: IntegrityCommand.Selection,
    showingProgress: Bool
) async throws {
    try await options.withClient { client in
        let report = try await client.runIntegritySummary(checks: selection.checks, interval: options.interval) {
            if showingProgress { options.show($0) }
        }
        try showCounts(report, options: options, selection: selection)
    }
}

/// Prints a summary report: a table of counts, or a JSON line per check.
private func showCounts(
    _ report: DataIntegrityReport,
    options: MaintenanceOptions,
    selection: IntegrityCommand.Selection
) throws {
    try selection.requireMatches(!report.results.isEmpty)
    if options.json {
        for result in report.ordered { emitJSONLine(ResultLine(result)) }
        return
    }
    printTable(
        ["CHECK", "SEVERITY", "COUNT", "PERCENT", "ERROR"],
        report.ordered.map { result in
            [
                result.check.name, result.check.severity.rawValue,
                result.failed ? "failed" : String(result.issueCount ?? 0),
                result.percentage.map { String(format: "%.1f", $0) } ?? "", result.error ?? "",
            ]
        }
    )
}

/// A check as a JSON line.
struct CheckLine: Encodable {
    var name: String
    var displayName: String?
    var section: String?
    var severity: String
    var issuesIdType: String?
    var isSlow: Bool?
    var code: String?

    init(_ check: DataIntegrityCheck) {
        name = check.name
        displayName = check.displayName
        section = check.section
        severity = check.severity.rawValue
        issuesIdType = check.issuesIdType
        isSlow = check.isSlow
        code = check.code
    }
}

/// A check's result as a JSON line: the summary's count and percentage, or the details' issues.
struct ResultLine: Encodable {
    struct Issue: Encodable {
        var id: String?
        var name: String?
        var comment: String?
        var refs: [String]?
    }
    var check: String
    var severity: String
    var count: Int?
    var percentage: Double?
    var failed: Bool
    var error: String?
    var issues: [Issue]?

    init(_ result: DataIntegrityResult) {
        check = result.check.name
        severity = result.check.severity.rawValue
        count = result.issueCount
        percentage = result.percentage
        failed = result.failed
        error = result.error
        issues = result.issues?.map { Issue(id: $0.id, name: $0.name, comment: $0.comment, refs: $0.refs) }
    }
}

/// One issue tagged with its check, as a JSON line.
struct IssueLine: Encodable {
    var check: String
    var severity: String
    var id: String?
    var name: String?
    var comment: String?

    init(_ row: DataIntegrityIssueRow) {
        check = row.check
        severity = row.severity.rawValue
        id = row.issue.id
        name = row.issue.name
        comment = row.issue.comment
    }
}
