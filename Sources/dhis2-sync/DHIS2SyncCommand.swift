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
        let line = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        FileHandle.standardError.write(Data("dhis2-sync: \(line)\n".utf8))
        throw ExitCode.failure
    }
}
