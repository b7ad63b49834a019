import ArgumentParser
import Foundation

@main
struct DHIS2SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dhis2-sync",
        abstract: "Keeps pairs of DHIS2 instances in sync.",
        subcommands: [
            MigrateCommand.self, InstanceCommand.self, PairCommand.self, RunCommand.self, StatusCommand.self,
            ConflictsCommand.self, VerifyCommand.self, ServeCommand.self, MaintenanceCommand.self, MetadataCommand.self,
            MappingCommand.self,
            DemoCommand.self,
        ]
    )
}

/// Runs a command body; any error becomes one `dhis2-sync: …` line on stderr and exit status 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("dhis2-sync: \(oneLine(error))\n".utf8))
        throw ExitCode.failure
    }
}

/// An error's text on one line: messages that span lines (libpq's end in a newline and may add a hint
/// on the next) keep all their parts, joined, instead of losing everything after the first.
func oneLine(_ error: any Error) -> String {
    "\(error)".split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
        .joined(separator: " ")
}
