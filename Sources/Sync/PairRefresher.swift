import DHIS2
import Logging

/// Re-reads a pair's org units (at its level, under its roots) and data sets from the source.
public struct PairRefresher: Sendable {
    let catalog: PairCatalog
    let logger: Logger

    public init(catalog: PairCatalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    public struct Outcome: Sendable, Hashable {
        public var orgUnits: PairCatalog.Changes
        public var dataSets: PairCatalog.Changes
        /// Data sets the pair names that the source does not have (or no longer has).
        public var missingDataSets: [String]
    }

    /// A pair's org units, read from the source first when it has none yet (a pair never refreshed).
    func orgUnits(of pair: Pair, source: DHIS2Client) async throws -> [PairCatalog.StoredOrgUnit] {
        let units = try await catalog.orgUnits(pairID: pair.id)
        guard units.isEmpty else { return units }
        logger.info("pair \(pair.name) has no org units yet: reading them from the source")
        _ = try await refresh(pair, source: source)
        return try await catalog.orgUnits(pairID: pair.id)
    }

    public func refresh(_ pair: Pair, source: DHIS2Client) async throws -> Outcome {
        let units = try await source.organisationUnits(level: pair.orgUnitLevel, under: pair.rootOrgUnits)
        guard !units.isEmpty else {
            let scope = pair.rootOrgUnits.isEmpty ? "" : " under \(pair.rootOrgUnits.joined(separator: ", "))"
            throw SyncError(
                .invalidInput,
                "the source \(pair.source.name) has no org units at level \(pair.orgUnitLevel)\(scope) "
                    + "(or this user cannot see them); check the pair's --org-unit-level and --root-org-unit"
            )
        }
        var dataSets = try await source.dataSets()
        var missing: [String] = []
        if !pair.dataSetFilter.isEmpty {
            let known = Set(dataSets.map(\.id))
            missing = pair.dataSetFilter.filter { !known.contains($0) }
            let wanted = Set(pair.dataSetFilter)
            dataSets = dataSets.filter { wanted.contains($0.id) }
        }
        for uid in missing {
            logger.warning(
                "the source has no data set \(uid) that the pair names",
                metadata: ["pair": "\(pair.name)", "data_set": "\(uid)"]
            )
        }
        let orgUnitChanges = try await catalog.replaceOrgUnits(pairID: pair.id, with: units)
        let dataSetChanges = try await catalog.replaceDataSets(pairID: pair.id, with: dataSets)
        logger.info(
            "refreshed pair \(pair.name): org units \(orgUnitChanges), data sets \(dataSetChanges)",
            metadata: ["pair": "\(pair.name)"]
        )
        return Outcome(orgUnits: orgUnitChanges, dataSets: dataSetChanges, missingDataSets: missing)
    }
}
