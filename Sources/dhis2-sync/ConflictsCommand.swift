import ArgumentParser
import Foundation
import Postgres
import Sync

struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "The conflict ledger: what the destination refused, grouped by error code.",
        subcommands: [ConflictsListCommand.self, ConflictsRetryCommand.self],
        defaultSubcommand: ConflictsListCommand.self
    )
}

struct ConflictsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Open conflicts grouped by error code with the first examples (the default), or explain a code."
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("pair"), help: "Only this pair.") var pair: String?
    @Option(help: "Only this run.") var run: Int?
    @Option(help: "Only this error code, e.g. E7610.") var code: String?
    @Option(help: "Examples per code (default 3), or rows with --rows (default 50).") var limit: Int?
    @Flag(help: "Resolved conflicts too.") var all = false
    @Flag(help: "One line per ledger row, newest first, instead of groups.") var rows = false
    @Flag(help: "JSON lines: one object per code.") var json = false
    @Option(help: "What a conflict code means and the usual fix, e.g. E7633; reads no database.") var explain: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if rows && json { throw ValidationError("--rows and --json do not combine; choose one") }
    }

    func run() async throws {
        try await reportingErrors {
            if let explain {
                guard let entry = ConflictCatalog.entry(explain) else {
                    throw CLIError(
                        "unknown conflict code '\(explain)'; known codes: \(ConflictCatalog.codes.first ?? "")…"
                            + "\(ConflictCatalog.codes.last ?? "")"
                    )
                }
                print(ConflictCatalog.explanation(entry).joined(separator: "\n"))
                return
            }
            let connection = try await global.connectDatabase(logger: global.makeLogger())
            var pairID: Int?
            if let pair { pairID = try await PairStore(connection: connection).get(pair).id }
            if rows {
                let lines = try await StatusReport(connection: connection).conflicts(
                    pairID: pairID,
                    runID: run,
                    limit: limit ?? 50
                )
                print(lines.isEmpty ? "no conflicts recorded" : lines.joined(separator: "\n"))
                return
            }
            let filter = ConflictLedger.Filter(pairID: pairID, runID: run, code: code, includeResolved: all)
            let groups = try await ConflictLedger(connection: connection).groups(filter, examples: limit ?? 3)
            if json {
                for group in groups { print(try ConflictsView.jsonLine(group)) }
            } else {
                print(ConflictsView.lines(groups, resolvedToo: all).joined(separator: "\n"))
            }
        }
    }
}

struct ConflictsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send the values of open conflicts again, after the destination's metadata was fixed."
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("pair"), help: "A pair (repeatable; default: every pair with open conflicts).")
    var pairs: [String] = []
    @Option(help: "Only conflicts of this error code, e.g. E7610.") var code: String?

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let settings = try global.runnerSettings()
            let connection = try await global.connectDatabase(logger: logger)
            let store = PairStore(connection: connection)
            var chosen: [Pair] = []
            for name in pairs { chosen.append(try await store.get(name)) }
            if pairs.isEmpty { chosen = try await store.list() }
            let ledger = ConflictLedger(connection: connection)
            let runner = SyncRunner(connection: connection, settings: settings, logger: logger)
            var unsettled: [String] = []
            for pair in chosen {
                let outcome = try await PairClients.with(pair, logger: logger) { source, destination in
                    try await ledger.retry(pair, code: code, runner: runner, source: source, destination: destination)
                }
                print(ConflictsView.retryLine(pair.name, outcome))
                if outcome.stillRefused > 0 || outcome.run.map({ $0.state != "done" }) == true {
                    unsettled.append(pair.name)
                }
            }
            if !unsettled.isEmpty {
                throw CLIError(
                    "some values are still refused for \(unsettled.joined(separator: ", ")); "
                        + "`dhis2-sync conflicts` shows them, `--explain CODE` the usual fix"
                )
            }
        }
    }
}

/// How the grouped ledger and a retry read.
enum ConflictsView {
    static func lines(_ groups: [ConflictLedger.Group], resolvedToo: Bool) -> [String] {
        guard !groups.isEmpty else { return [resolvedToo ? "no conflicts recorded" : "no open conflicts"] }
        var lines: [String] = []
        for group in groups {
            let meaning = ConflictCatalog.entry(group.code).map { ": \($0.meaning)" } ?? ""
            lines.append("\(group.code) × \(group.count)\(meaning)")
            for example in group.examples {
                var line = "  run \(example.run)"
                if let element = example.dataElement {
                    line +=
                        " de=\(element) pe=\(example.period ?? "") ou=\(example.orgUnit ?? "") "
                        + "coc=\(example.categoryOptionCombo ?? "") aoc=\(example.attributeOptionCombo ?? "") "
                        + "value=\(example.value ?? "null")"
                }
                lines.append(line + " — \(example.message)")
            }
            if group.count > group.examples.count { lines.append("  … \(group.count - group.examples.count) more") }
        }
        let codes = groups.map(\.code).filter { ConflictCatalog.entry($0) != nil }
        if let first = codes.first { lines.append("`dhis2-sync conflicts --explain \(first)` says what to fix") }
        return lines
    }

    static func jsonLine(_ group: ConflictLedger.Group) throws -> String {
        struct Line: Encodable {
            var code: String
            var count: Int
            var meaning: String?
            var examples: [ConflictLedger.Example]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Line(
            code: group.code,
            count: group.count,
            meaning: ConflictCatalog.entry(group.code)?.meaning,
            examples: group.examples
        )
        return String(decoding: try encoder.encode(line), as: UTF8.self)
    }

    static func retryLine(_ pair: String, _ outcome: ConflictLedger.RetryOutcome) -> String {
        guard let run = outcome.run else {
            return "pair \(pair): no open conflicts with a value to retry"
                + (outcome.withoutValue > 0 ? " (\(outcome.withoutValue) without one: rerun their window)" : "")
        }
        return "pair \(pair) retry run \(run.runID ?? 0) \(run.state): \(outcome.open) open conflicts, "
            + "\(outcome.resolved) resolved, \(outcome.stillRefused) still refused; slices "
            + "\(run.slicesDone)/\(run.slices) done, values read \(run.counts.valuesRead), imported "
            + "\(run.counts.imported), updated \(run.counts.updated)"
            + (outcome.withoutValue > 0 ? "; \(outcome.withoutValue) without a value: rerun their window" : "")
    }
}
