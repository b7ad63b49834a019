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
    /// How many periods after the current one are open for entry.
    public var openFuturePeriods: Int
    /// Days after a period's end until it closes for entry; 0 means never.
    public var expiryDays: Int
    /// When non-empty, only these periods are open, each between its dates.
    public var dataInputPeriods: [DataInputPeriod]

    /// A period open for data entry between two dates (either may be absent: open on that side).
    public struct DataInputPeriod: Decodable, Sendable, Hashable {
        public var period: MetadataReference
        public var openingDate: String?
        public var closingDate: String?
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, code, periodType, categoryCombo, dataSetElements, organisationUnits
        case openFuturePeriods, expiryDays, dataInputPeriods
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
        openFuturePeriods = try container.decodeIfPresent(Int.self, forKey: .openFuturePeriods) ?? 0
        expiryDays = try container.decodeIfPresent(Int.self, forKey: .expiryDays) ?? 0
        dataInputPeriods = try container.decodeIfPresent([DataInputPeriod].self, forKey: .dataInputPeriods) ?? []
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
                + "organisationUnits[id],openFuturePeriods,expiryDays,dataInputPeriods[period[id],openingDate,closingDate]"
        )
    }

    /// Every org unit of the hierarchy, with what identifies it (id, code, name) and where it is (path, level).
    public func allOrganisationUnits() async throws(DHIS2Error) -> [OrganisationUnit] {
        try await list("organisationUnits", fields: "id,name,code,path,level,parent[id]")
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
