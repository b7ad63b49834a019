import Curl
import DHIS2
import DHIS2Simulator
import Foundation
import JSONStream
import Logging
import Postgres
import Sync
import TestSupport

/// A migrated database of its own, a seeded source simulator, an empty destination and a pair between them.
struct SyncHarness: Sendable {
    let connection: PostgresConnection
    let databaseConfiguration: PostgresConfiguration
    let source: DHIS2Simulator
    let destination: DHIS2Simulator
    let pair: Pair
    let http: HTTPClient
    let logger: Logger

    /// The source: 4 districts of 3 facilities, data pinned to a reference date so runs are repeatable.
    static func sourceConfiguration() -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.seed = 77
        configuration.valueCount = 6_000
        configuration.hierarchy = .init(regions: 2, districtsPerRegion: 2, facilitiesPerDistrict: 3)
        configuration.referenceDate = "2025-03-10"
        configuration.yearsOfData = 2
        return configuration
    }

    static func destinationConfiguration() -> SimulatorConfiguration {
        var configuration = sourceConfiguration()
        configuration.empty = true
        return configuration
    }

    static func with(
        source sourceConfiguration: SimulatorConfiguration = sourceConfiguration(),
        destination destinationConfiguration: SimulatorConfiguration = destinationConfiguration(),
        _ body: (SyncHarness) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.sync")
        logger.logLevel = .error
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        let source = try await DHIS2Simulator.start(sourceConfiguration, logger: logger)
        let destination = try await DHIS2Simulator.start(destinationConfiguration, logger: logger)
        let http = HTTPClient(logger: logger)
        func tearDown() async {
            await http.shutdown()
            await source.stop()
            await destination.stop()
            await connection.close()
            await drop()
        }
        do {
            _ = try await SchemaMigrator(migrations: try SchemaMigration.bundled(), logger: logger).migrate(connection)
            // Instances hold credential references, never secrets: the simulators' password comes from the environment.
            setenv("DHIS2_SYNC_TEST_SIM_PASSWORD", "district", 1)
            let password = CredentialReference(.environment("DHIS2_SYNC_TEST_SIM_PASSWORD"))
            let instances = InstanceStore(connection: connection)
            try await instances.add(
                try DHIS2Instance(
                    name: "source",
                    baseURL: source.baseURL,
                    authentication: .basic(username: "admin", password: password)
                )
            )
            try await instances.add(
                try DHIS2Instance(
                    name: "destination",
                    baseURL: destination.baseURL,
                    authentication: .basic(username: "admin", password: password)
                )
            )
            var definition = Pair.Definition(name: "national", source: "source", destination: "destination")
            definition.includeDeleted = true
            definition.batchSize = 200
            let store = PairStore(connection: connection)
            try await store.add(definition)
            let pair = try await store.get("national")
            let harness = SyncHarness(
                connection: connection,
                databaseConfiguration: configuration,
                source: source,
                destination: destination,
                pair: pair,
                http: http,
                logger: logger
            )
            _ = try await harness.refresh()
            try await body(harness)
            await tearDown()
        } catch {
            await tearDown()
            throw error
        }
    }

    var sourceClient: DHIS2Client { DHIS2Client(instance: pair.source, http: http, logger: logger) }
    var destinationClient: DHIS2Client { DHIS2Client(instance: pair.destination, http: http, logger: logger) }

    func refresh() async throws -> PairRefresher.Outcome {
        try await PairRefresher(catalog: PairCatalog(connection: connection), logger: logger)
            .refresh(pair, source: sourceClient)
    }

    /// A runner that retries quickly: tests wait for retries, they do not test the back-off.
    func runner() -> SyncRunner {
        var settings = SyncRunner.Settings()
        settings.maxAttempts = 2
        settings.retryDelay = .milliseconds(20)
        return SyncRunner(connection: connection, settings: settings, logger: logger)
    }

    func run(
        _ request: SyncRunner.Request,
        progress: @escaping @Sendable (SyncRunner.Progress) -> Void = { _ in }
    ) async throws -> SyncRunner.Outcome {
        try await runner().run(pair, request, source: sourceClient, destination: destinationClient, progress: progress)
    }

    func run(_ selection: PeriodSelection) async throws -> SyncRunner.Outcome {
        try await run(SyncRunner.Request(selection: selection))
    }

    func verify(_ request: SyncRunner.Request) async throws -> Verifier.Report {
        try await Verifier(catalog: PairCatalog(connection: connection), logger: logger)
            .verify(pair, request, source: sourceClient, destination: destinationClient)
    }

    func verify(_ selection: PeriodSelection) async throws -> Verifier.Report {
        try await verify(SyncRunner.Request(selection: selection))
    }

    /// Destination rows that an edit to a large whole number is valid for, in a stable order: data
    /// elements of integer types that belong to one data set only (an element in two is read once per
    /// data set), so a test's edits are accepted and counted exactly.
    func editableValues(period: (String) -> Bool) -> [DataValue] {
        let codes: Set<String> = ["DE_ANC4", "DE_MAL_CONF", "DE_MAL_DEATH", "DE_MEASLES", "DE_BCG"]
        let elements = Set(
            source.metadata.dataElements.filter { codes.contains($0.identity.code ?? "") }.map(\.identity.id)
        )
        return destination.writtenValues()
            .filter { value in
                value.value != nil && value.deleted != true && elements.contains(value.dataElement ?? "")
                    && value.period.map(period) == true
            }
            .sorted { "\($0)" < "\($1)" }
    }

    /// The destination's row at a value's key (deleted rows included), nil when it never had one.
    func destinationValue(at value: DataValue) -> DataValue? {
        destination.storedValue(
            dataElement: value.dataElement ?? "",
            period: value.period ?? "",
            orgUnit: value.orgUnit ?? "",
            categoryOptionCombo: value.categoryOptionCombo,
            attributeOptionCombo: value.attributeOptionCombo
        )
    }

    /// A data value's identity, for telling new rows from old ones.
    struct Key: Hashable {
        var dataElement, period, orgUnit, optionCombo, attributeCombo: String?
        init(_ value: DataValue) {
            dataElement = value.dataElement
            period = value.period
            orgUnit = value.orgUnit
            optionCombo = value.categoryOptionCombo
            attributeCombo = value.attributeOptionCombo
        }
    }
}
