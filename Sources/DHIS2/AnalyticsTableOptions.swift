import Curl

/// Options of `POST /api/resourceTables/analytics` (`dhis2-api.md` §5.2).
///
/// Only the flags that are set are sent. Servers ignore flags they do not know: `skipOrgUnitOwnership`
/// needs 2.39+, `skipValidationResult`, `skipTrackedEntities` and `skipOutliers` need 2.41+.
public struct AnalyticsTableOptions: Sendable, Hashable {
    /// Years of data to regenerate, counting back from this one; nil regenerates all, 0 only the latest
    /// (continuous) tables.
    public var lastYears: Int?
    public var skipResourceTables = false
    public var skipAggregate = false
    public var skipEvents = false
    public var skipEnrollment = false
    public var skipOrgUnitOwnership = false
    public var skipTrackedEntities = false
    public var skipOutliers = false
    public var skipValidationResult = false

    public init(lastYears: Int? = nil) {
        self.lastYears = lastYears
    }

    /// The query of the request, in the order of the reference's table.
    public var queryItems: [HTTPClientRequest.QueryItem] {
        let flags: [(String, Bool)] = [
            ("skipResourceTables", skipResourceTables), ("skipAggregate", skipAggregate), ("skipEvents", skipEvents),
            ("skipEnrollment", skipEnrollment), ("skipOrgUnitOwnership", skipOrgUnitOwnership),
            ("skipValidationResult", skipValidationResult), ("skipTrackedEntities", skipTrackedEntities),
            ("skipOutliers", skipOutliers),
        ]
        var items = flags.filter(\.1).map { HTTPClientRequest.QueryItem($0.0, "true") }
        if let lastYears { items.append(.init("lastYears", String(lastYears))) }
        return items
    }
}
