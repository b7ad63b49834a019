import ArgumentParser
import Curl
import DHIS2
import Sync

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare source and destination slice by slice for a period window."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var window: WindowOptions

    func validate() throws { try window.check() }

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let connection = try await global.connectDatabase(logger: logger)
            let chosen = try await window.chosenPairs(PairStore(connection: connection))
            let request = try window.request()
            var unequal: [String] = []
            let http = HTTPClient(logger: logger)
            do {
                for pair in chosen {
                    let report = try await Verifier(catalog: PairCatalog(connection: connection), logger: logger)
                        .verify(
                            pair,
                            request,
                            source: DHIS2Client(instance: pair.source, http: http, logger: logger),
                            destination: DHIS2Client(instance: pair.destination, http: http, logger: logger)
                        )
                    print(VerifyReport.lines(pair.name, report).joined(separator: "\n"))
                    if !report.isEqual { unequal.append(pair.name) }
                }
                await http.shutdown()
            } catch {
                await http.shutdown()
                throw error
            }
            if !unequal.isEmpty {
                throw CLIError("the destination differs from the source for \(unequal.joined(separator: ", "))")
            }
        }
    }
}

enum VerifyReport {
    static func lines(_ pair: String, _ report: Verifier.Report) -> [String] {
        var lines = [
            "verify \(pair): \(report.slices) slices, \(report.sourceValues) source values: \(report.matching) equal, "
                + "\(report.missing) missing, \(report.different) different, \(report.notDeleted) not deleted, "
                + "\(report.extra) extra at the destination — \(report.isEqual ? "EQUAL" : "NOT EQUAL")"
        ]
        lines += report.samples.map { "  \($0)" }
        return lines
    }
}
