import ArgumentParser
import Postgres
import Sync

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema (idempotent; safe on every start)."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let connection = try await global.connectDatabase(logger: logger)
            let outcome = try await SchemaMigrator(migrations: try SchemaMigration.bundled(), logger: logger)
                .migrate(connection)
            if outcome.applied.isEmpty {
                print("schema is up to date (version \(outcome.version))")
            } else {
                let versions = outcome.applied.map(String.init).joined(separator: ", ")
                print("applied schema migration \(versions); schema is at version \(outcome.version)")
            }
        }
    }
}
