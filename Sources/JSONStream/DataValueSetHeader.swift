/// The top-level fields of a `dataValueSets` document (present on "single data value set" exports and
/// accepted on imports). `nil` means absent or `null`.
public struct DataValueSetHeader: Hashable, Sendable {
    public var dataSet: String?
    public var completeDate: String?
    public var period: String?
    public var orgUnit: String?
    public var attributeOptionCombo: String?

    public init(
        dataSet: String? = nil,
        completeDate: String? = nil,
        period: String? = nil,
        orgUnit: String? = nil,
        attributeOptionCombo: String? = nil
    ) {
        self.dataSet = dataSet
        self.completeDate = completeDate
        self.period = period
        self.orgUnit = orgUnit
        self.attributeOptionCombo = attributeOptionCombo
    }

    /// Whether every field is nil.
    public var isEmpty: Bool {
        dataSet == nil && completeDate == nil && period == nil && orgUnit == nil && attributeOptionCombo == nil
    }
}
