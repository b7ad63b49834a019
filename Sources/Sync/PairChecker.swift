import DHIS2
import DHIS2Periods
import Logging
import Postgres

/// Runs a pair's pre-flight check: reads the pair's catalog and both instances' metadata, then
/// ``PreflightCheck`` decides. `pair check NAME` and the first run of a pair use it.
public struct PairChecker: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// The days `pair check` looks at when not told: the last year, whose periods a backlog or an
    /// incremental run sends most.
    public static func defaultWindow(today: CalendarDate) -> PeriodWindow {
        PeriodWindow(range: today.adding(days: -365)...today)
    }

    public func check(
        _ pair: Pair,
        window: PeriodWindow,
        today: CalendarDate,
        source: DHIS2Client,
        destination: DHIS2Client
    ) async throws -> PreflightReport {
        let catalog = PairCatalog(connection: connection)
        let units = try await PairRefresher(catalog: catalog, logger: logger).orgUnits(of: pair, source: source)
        let dataSets = try await catalog.dataSets(pairID: pair.id)
        var check = PreflightCheck(
            scheme: pair.idScheme,
            dataSets: dataSets.map(\.uid),
            orgUnitRoots: units.map(\.uid),
            today: today
        )
        check.mappings = try await MappingStore(connection: connection).confirmed(pairID: pair.id)
        for dataSet in dataSets {
            guard let type = try? PeriodType(name: dataSet.periodType) else { continue }
            check.periods[dataSet.uid] = window.periods(of: type)
        }
        logger.info("pre-flight check of pair \(pair.name): reading metadata of both instances")
        async let sourceMetadata = MetadataSnapshot.read(from: source)
        let destinationMetadata = try await MetadataSnapshot.read(from: destination)
        return check.run(source: try await sourceMetadata, destination: destinationMetadata)
    }
}
