import Curl

/// The parameters of `GET /api/dataValueSets` (`dhis2-api.md` §1.1).
///
/// DHIS2 needs a data selection (data sets, elements or groups) AND a time selection (periods,
/// start+end, or lastUpdated) AND org units; ``validate()`` checks that before a request is sent,
/// so the operator sees the problem instead of DHIS2's E2001–E2008.
public struct DataValueQuery: Sendable, Hashable {
    public var dataSets: [String] = []
    /// 2.39+.
    public var dataElements: [String] = []
    public var dataElementGroups: [String] = []
    /// Wins over start/end dates on the server; give one or the other.
    public var periods: [String] = []
    /// Matches only periods lying entirely inside `[startDate, endDate]` (`yyyy-MM-dd`).
    public var startDate: String?
    public var endDate: String?
    public var orgUnits: [String] = []
    /// The org units themselves and all their descendants (by path).
    public var children = false
    public var attributeOptionCombos: [String] = []
    public var includeDeleted = false
    /// `dv.lastupdated >= lastUpdated`, in the server's clock (`yyyy-MM-ddTHH:mm:ss`).
    public var lastUpdated: String?
    /// E.g. `10d`, `6h`; ignored by DHIS2 when `lastUpdated` is given.
    public var lastUpdatedDuration: String?
    /// Truncates without a way to resume: only for sampling.
    public var limit: Int?
    /// Output id scheme (`UID`, `CODE`, `NAME`, `ATTRIBUTE:<uid>`).
    public var idScheme: String?
    /// How the ids given in this query are to be resolved.
    public var inputIdScheme: String?

    public init() {}

    /// One line naming the first missing part, or nil when the query is complete.
    public func validate() -> String? {
        if dataSets.isEmpty && dataElements.isEmpty && dataElementGroups.isEmpty {
            return "a data value export needs at least one data set, data element or data element group"
        }
        let hasDates = startDate != nil || endDate != nil
        if hasDates && (startDate == nil || endDate == nil) {
            return "a data value export needs both a start and an end date"
        }
        if !periods.isEmpty && hasDates {
            return "a data value export takes periods or start/end dates, not both"
        }
        if periods.isEmpty && !hasDates && lastUpdated == nil && lastUpdatedDuration == nil {
            return "a data value export needs periods, start/end dates or a lastUpdated bound"
        }
        if orgUnits.isEmpty { return "a data value export needs at least one org unit" }
        if let limit, limit < 0 { return "limit cannot be negative" }
        return nil
    }

    /// The query string, in a stable order.
    public var queryItems: [HTTPClientRequest.QueryItem] {
        var items: [HTTPClientRequest.QueryItem] = []
        items += dataSets.map { .init("dataSet", $0) }
        items += dataElements.map { .init("dataElement", $0) }
        items += dataElementGroups.map { .init("dataElementGroup", $0) }
        items += periods.map { .init("period", $0) }
        if let startDate { items.append(.init("startDate", startDate)) }
        if let endDate { items.append(.init("endDate", endDate)) }
        items += orgUnits.map { .init("orgUnit", $0) }
        if children { items.append(.init("children", "true")) }
        items += attributeOptionCombos.map { .init("attributeOptionCombo", $0) }
        if includeDeleted { items.append(.init("includeDeleted", "true")) }
        if let lastUpdated { items.append(.init("lastUpdated", lastUpdated)) }
        if let lastUpdatedDuration { items.append(.init("lastUpdatedDuration", lastUpdatedDuration)) }
        if let limit { items.append(.init("limit", String(limit))) }
        if let idScheme { items.append(.init("idScheme", idScheme)) }
        if let inputIdScheme { items.append(.init("inputIdScheme", inputIdScheme)) }
        return items
    }
}
