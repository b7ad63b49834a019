/// Aggregate metadata as the sync engine and pre-flight checks read it: only the fields they use.

/// A data set with its members: which data elements (and their combo overrides) and org units.
public struct DataSetMembers: Decodable, Sendable, Hashable {
    public struct Element: Decodable, Sendable, Hashable {
        public var dataElement: MetadataReference
        /// Overrides the data element's own combo in this data set, when set.
        public var categoryCombo: MetadataReference?
    }
    public var id: String
    public var name: String
    public var code: String?
    public var periodType: String
    public var categoryCombo: MetadataReference?
    public var dataSetElements: [Element]
    public var organisationUnits: [MetadataReference]

    private enum CodingKeys: String, CodingKey {
        case id, name, code, periodType, categoryCombo, dataSetElements, organisationUnits
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        code = try container.decodeIfPresent(String.self, forKey: .code)
        periodType = try container.decode(String.self, forKey: .periodType)
        categoryCombo = try container.decodeIfPresent(MetadataReference.self, forKey: .categoryCombo)
        // DHIS2 leaves empty collections out under some field filters.
        dataSetElements = try container.decodeIfPresent([Element].self, forKey: .dataSetElements) ?? []
        organisationUnits = try container.decodeIfPresent([MetadataReference].self, forKey: .organisationUnits) ?? []
    }
}

/// A data element: value type and combo decide which values DHIS2 accepts for it.
public struct DataElement: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var code: String?
    public var valueType: String?
    public var aggregationType: String?
    public var domainType: String?
    public var zeroIsSignificant: Bool?
    public var categoryCombo: MetadataReference?
}

/// A category combo and the option combos it generates.
public struct CategoryCombo: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var code: String?
    public var dataDimensionType: String?
    public var categoryOptionCombos: [MetadataReference]?
}

/// A category option combo (COC or, in an attribute combo, AOC).
public struct CategoryOptionCombo: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var code: String?
    public var categoryCombo: MetadataReference?
}

extension DHIS2Client {
    /// Every data set with its data set elements and org units (every page).
    public func dataSetMembers() async throws(DHIS2Error) -> [DataSetMembers] {
        try await list(
            "dataSets",
            fields: "id,name,code,periodType,categoryCombo[id],dataSetElements[dataElement[id],categoryCombo[id]],"
                + "organisationUnits[id]"
        )
    }

    /// Every data element with its value type and combo.
    public func dataElements() async throws(DHIS2Error) -> [DataElement] {
        try await list(
            "dataElements",
            fields: "id,name,code,valueType,aggregationType,domainType,zeroIsSignificant,categoryCombo[id]"
        )
    }

    /// Every category combo with its option combos.
    public func categoryCombos() async throws(DHIS2Error) -> [CategoryCombo] {
        try await list("categoryCombos", fields: Self.categoryComboFields)
    }

    /// The combo named `default` (every DHIS2 database has one; its UID differs between databases).
    public func defaultCategoryCombo() async throws(DHIS2Error) -> CategoryCombo? {
        let combos: [CategoryCombo] = try await list(
            "categoryCombos",
            fields: Self.categoryComboFields,
            filters: ["name:eq:default"]
        )
        return combos.first
    }

    private static let categoryComboFields = "id,name,code,dataDimensionType,categoryOptionCombos[id]"

    /// Every category option combo with its combo.
    public func categoryOptionCombos() async throws(DHIS2Error) -> [CategoryOptionCombo] {
        try await list("categoryOptionCombos", fields: "id,name,code,categoryCombo[id]")
    }
}
