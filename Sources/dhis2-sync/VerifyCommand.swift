import ArgumentParser
import DHIS2
import Sync

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare source and destination slice by slice for a period window."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var window: WindowOptions
    @Flag(help: "Send the slices that differ again (under the pair's lock, as a run), then verify them again.")
    var repair = false

    func validate() throws { try window.check() }

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let settings = try global.runnerSettings()
            let connection = try await global.connectDatabase(logger: logger)
            let chosen = try await window.chosenPairs(PairStore(connection: connection))
            let request = try window.request()
            let verifier = Verifier(catalog: PairCatalog(connection: connection), logger: logger)
            let runner = SyncRunner(connection: connection, settings: settings, logger: logger)
            var unequal: [String] = []
            for pair in chosen {
                let equal = try await PairClients.with(pair, logger: logger) { source, destination in
                    guard repair else {
                        let report = try await verifier.verify(pair, request, source: source, destination: destination)
                        print(VerifyReport.lines(pair.name, report).joined(separator: "\n"))
                        return report.isEqual
                    }
                    let repaired = try await verifier.repair(
                        pair,
                        request,
                        runner: runner,
                        source: source,
                        destination: destination
                    )
                    print(VerifyReport.lines(pair.name, repaired).joined(separator: "\n"))
                    return repaired.isEqual
                }
                if !equal { unequal.append(pair.name) }
            }
            if !unequal.isEmpty {
                throw CLIError("the destination differs from the source for \(unequal.joined(separator: ", "))")
            }
        }
    }
}

enum VerifyReport {
    static func lines(_ pair: String, _ report: Verifier.Report, verb: String = "verify") -> [String] {
        var lines = [
            "\(verb) \(pair): \(report.slices) slices, \(report.sourceValues) source values: \(report.matching) equal, "
                + "\(report.missing) missing, \(report.different) different, \(report.notDeleted) not deleted, "
                + "\(report.extra) extra at the destination"
                + (report.unmapped > 0 ? ", \(report.unmapped) not comparable (no confirmed mapping)" : "")
                + " — \(report.isEqual ? "EQUAL" : "NOT EQUAL")"
        ]
        let shown = report.slicesWithDifferences.prefix(20)
        lines += shown.map { "  slice \($0)" }
        if report.slicesWithDifferences.count > shown.count {
            lines.append("  … and \(report.slicesWithDifferences.count - shown.count) more slices with differences")
        }
        lines += report.samples.map { "  \($0)" }
        return lines
    }

    static func lines(_ pair: String, _ repair: Verifier.Repair) -> [String] {
        var lines = Self.lines(pair, repair.before)
        guard let after = repair.after else { return lines }
        if let run = repair.run {
            lines.append(
                "repair \(pair): \(repair.before.differingSlices.count) slices sent again as run \(run.runID ?? 0) "
                    + "(\(run.state)): imported \(run.counts.imported), updated \(run.counts.updated), "
                    + "deleted \(run.counts.deleted), conflicts \(run.counts.conflicts)"
            )
        }
        lines += Self.lines(pair, after, verb: "re-verify")
        if after.extra > 0 {
            lines.append("  values only at the destination are left alone: the source has nothing to send for them")
        }
        return lines
    }
}
