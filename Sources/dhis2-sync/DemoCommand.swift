import ArgumentParser
import DHIS2
import DHIS2Periods
import DHIS2Simulator
import Foundation
import LocalPostgres
import Logging
import Postgres
import Sync

/// The embedded default: a throwaway PostgreSQL, two simulated DHIS2 instances and a real sync.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sync a simulated source DHIS2 into an empty simulated destination, then verify they agree."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Data values the simulated source holds.") var values = 200_000
    @Option(help: "Facilities in the simulated org unit hierarchy.") var facilities = 240
    @Option(help: "The year to sync (default: last year).") var year: Int?
    @Option(help: "DHIS2 version the destination simulates: 2.40 or 2.43.") var destinationVersion = "2.40"

    func validate() throws {
        guard (1...20_000_000).contains(values) else { throw ValidationError("--values must be 1…20000000") }
        guard (1...100_000).contains(facilities) else { throw ValidationError("--facilities must be 1…100000") }
        guard ServerVersion(destinationVersion) != nil else {
            throw ValidationError("--destination-version must be 2.40 or 2.43, not '\(destinationVersion)'")
        }
    }

    func run() async throws {
        try await reportingErrors {
            var logger = global.makeLogger()
            if global.logLevel == .info { logger.logLevel = .warning }
            let today = CalendarDate.today()
            let year = self.year ?? today.year - 1

            let explicitDatabase = global.databaseURL ?? ProcessInfo.processInfo.environment["DHIS2_SYNC_DATABASE_URL"]
            var cluster: ThrowawayPostgres?
            let conninfo: String
            if let explicitDatabase, !explicitDatabase.isEmpty {
                conninfo = explicitDatabase
                print("PostgreSQL    the database given by --database-url / DHIS2_SYNC_DATABASE_URL")
            } else {
                let started = try ThrowawayPostgres.start()
                cluster = started
                conninfo = started.conninfo
                print("PostgreSQL    throwaway cluster in \(started.directory.path)")
            }
            defer { cluster?.stop() }

            var sourceConfiguration = SimulatorConfiguration()
            sourceConfiguration.seed = 2024
            sourceConfiguration.valueCount = values
            sourceConfiguration.hierarchy = .facilities(facilities)
            var destinationConfiguration = sourceConfiguration
            destinationConfiguration.empty = true
            destinationConfiguration.version = ServerVersion(destinationVersion) ?? .v2_40
            let source = try await DHIS2Simulator.start(sourceConfiguration, logger: logger)
            let destination: DHIS2Simulator
            do {
                destination = try await DHIS2Simulator.start(destinationConfiguration, logger: logger)
            } catch {
                await source.stop()
                throw error
            }
            print(
                "source        simulated DHIS2 \(sourceConfiguration.version) at \(source.baseURL): "
                    + "\(source.metadata.organisationUnits.count) org units, \(source.generatedValueCount) data values"
            )
            print(
                "destination   simulated DHIS2 \(destinationConfiguration.version) at \(destination.baseURL): "
                    + "the same metadata, no data values"
            )
            do {
                try await demo(
                    conninfo: conninfo,
                    source: source,
                    destination: destination,
                    year: year,
                    sharedDatabase: cluster == nil,
                    logger: logger
                )
                await source.stop()
                await destination.stop()
            } catch {
                await source.stop()
                await destination.stop()
                throw error
            }
        }
    }

    private func demo(
        conninfo: String,
        source: DHIS2Simulator,
        destination: DHIS2Simulator,
        year: Int,
        sharedDatabase: Bool,
        logger: Logger
    ) async throws {
        let connection = try await PostgresConnection.connect(PostgresConfiguration(conninfo), logger: logger)
        let outcome = try await SchemaMigrator(migrations: try SchemaMigration.bundled(), logger: logger)
            .migrate(connection)
        print("schema        migrated to version \(outcome.version)")

        // The simulators' password reaches the instances through a reference, as a real secret would.
        setenv("DHIS2_SYNC_DEMO_PASSWORD", "district", 1)
        let suffix = sharedDatabase ? "-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))" : ""
        let sourceName = "demo-source\(suffix)"
        let destinationName = "demo-destination\(suffix)"
        let pairName = "demo\(suffix)"
        let password = try CredentialReference(parsing: "env:DHIS2_SYNC_DEMO_PASSWORD")
        let instances = InstanceStore(connection: connection)
        try await instances.add(
            try DHIS2Instance(
                name: sourceName,
                baseURL: source.baseURL,
                authentication: .basic(username: "admin", password: password)
            )
        )
        try await instances.add(
            try DHIS2Instance(
                name: destinationName,
                baseURL: destination.baseURL,
                authentication: .basic(username: "admin", password: password)
            )
        )
        var definition = Pair.Definition(name: pairName, source: sourceName, destination: destinationName)
        definition.includeDeleted = true
        let pairs = PairStore(connection: connection)
        try await pairs.add(definition)
        let pair = try await pairs.get(pairName)
        print(
            "registered    instances \(sourceName), \(destinationName); pair \(pairName) (org unit level 3, deletions propagated)"
        )

        let refreshed = try await PairClients.with(pair, logger: logger) { source, _ in
            try await PairRefresher(catalog: PairCatalog(connection: connection), logger: logger)
                .refresh(pair, source: source)
        }
        print("refreshed     org units \(refreshed.orgUnits); data sets \(refreshed.dataSets)")

        print("running       dhis2-sync run --pair \(pairName) --year \(year)")
        let runner = SyncRunner(connection: connection, settings: try global.runnerSettings(), logger: logger)
        let request = SyncRunner.Request(selection: .year(year))
        let result = try await SyncSession.run(pair, request, runner: runner, logger: logger)
        print(RunReport.summary(result))

        let report = try await PairClients.with(pair, logger: logger) { source, destination in
            try await Verifier(catalog: PairCatalog(connection: connection), logger: logger)
                .verify(pair, request, source: source, destination: destination)
        }
        print(VerifyReport.lines(pairName, report).joined(separator: "\n"))

        if sharedDatabase {
            // A database the operator gave keeps nothing of the demo.
            try await connection.execute("DELETE FROM pairs WHERE name = $1", [pairName])
            try await connection.execute(
                "DELETE FROM instances WHERE name = ANY($1::text[])",
                [
                    "{\(sourceName),\(destinationName)}"
                ]
            )
        }
        await connection.close()
        guard result.state == "done", report.isEqual else {
            throw CLIError("the demo's sync did not converge: see the lines above")
        }
        print("demo          OK: the destination equals the source for \(year)")
    }
}
