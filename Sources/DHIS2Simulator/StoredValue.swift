/// Where a data value sits: DHIS2's five-part key, as indexes into the metadata and the period table.
public struct ValueKey: Hashable, Sendable {
    var dataElement: Int32
    var period: Int32
    var orgUnit: Int32
    var optionCombo: Int32
    var attributeOptionCombo: Int32
}

/// The content of one data value row (soft-deleted rows included).
struct StoredValue: Sendable, Hashable {
    var value: String?
    var storedBy: String?
    var created: Timestamp
    var lastUpdated: Timestamp
    var comment: String?
    var followup: Bool
    var deleted: Bool
}
