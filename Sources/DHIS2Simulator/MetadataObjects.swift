/// A node of the org unit tree. Units are stored depth-first, so a subtree is a contiguous index range.
public struct OrganisationUnit: Sendable, Hashable {
    public var identity: Identity
    public var level: Int
    public var parent: Int?
    /// `/rootUID/.../ownUID`.
    public var path: String
    public var openingDate: Timestamp
    /// One past the index of the last descendant.
    public var subtreeEnd: Int
}

public struct CategoryOption: Sendable, Hashable {
    public var identity: Identity
}

public struct Category: Sendable, Hashable {
    public var identity: Identity
    public var dataDimensionType: String
    public var options: [Int]
}

public struct CategoryCombo: Sendable, Hashable {
    public var identity: Identity
    public var dataDimensionType: String
    public var categories: [Int]
    public var optionCombos: [Int]
}

public struct CategoryOptionCombo: Sendable, Hashable {
    public var identity: Identity
    public var categoryCombo: Int
    public var options: [Int]
}

public struct DataElement: Sendable, Hashable {
    public var identity: Identity
    public var valueType: String
    public var categoryCombo: Int
    public var zeroIsSignificant: Bool
    public var aggregationType: String
}

public struct DataSet: Sendable, Hashable {
    public struct Element: Sendable, Hashable {
        public var dataElement: Int
        /// Overrides the data element's own combo when set.
        public var categoryCombo: Int?
    }

    public var identity: Identity
    /// DHIS2 period type name, e.g. `Monthly`.
    public var periodType: String
    /// The attribute combo.
    public var categoryCombo: Int
    public var elements: [Element]
    public var organisationUnits: [Int]
    public var openFuturePeriods: Int
    public var expiryDays: Int
    public var timelyDays: Int
}

/// A metadata attribute (used by `ATTRIBUTE:<uid>` id schemes).
public struct MetadataAttribute: Sendable, Hashable {
    public var identity: Identity
    public var valueType: String
    public var unique: Bool
}
