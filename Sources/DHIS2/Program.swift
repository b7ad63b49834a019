/// A program (`/api/programs`): a tracker program registering tracked entities, or an event program.
public struct Program: TrackerSchemaObject, Hashable {
    public static let resource = "programs"

    /// `WITH_REGISTRATION` (tracker; needs a tracked entity type) or `WITHOUT_REGISTRATION` (events only).
    public enum ProgramType: String, Codable, Hashable, Sendable {
        case withRegistration = "WITH_REGISTRATION"
        case withoutRegistration = "WITHOUT_REGISTRATION"
    }

    /// One attribute enrolled tracked entities carry in this program.
    public struct Attribute: Codable, Hashable, Sendable {
        /// The join entry's own id, assigned by the server.
        public var id: String?
        public var trackedEntityAttribute: MetadataReference
        public var mandatory: Bool?
        public var searchable: Bool?
        public var displayInList: Bool?
        public var allowFutureDate: Bool?
        public var sortOrder: Int?
        /// The inverse reference to the program; refused in a PUT.
        public var program: MetadataReference?

        public init(
            _ attribute: String,
            mandatory: Bool? = nil,
            searchable: Bool? = nil,
            displayInList: Bool? = nil,
            allowFutureDate: Bool? = nil,
            sortOrder: Int? = nil
        ) {
            trackedEntityAttribute = MetadataReference(attribute)
            self.mandatory = mandatory
            self.searchable = searchable
            self.displayInList = displayInList
            self.allowFutureDate = allowFutureDate
            self.sortOrder = sortOrder
        }
    }

    public var id: String?
    public var name: String
    public var shortName: String
    public var code: String?
    public var description: String?
    public var programType: ProgramType
    public var trackedEntityType: MetadataReference?
    public var categoryCombo: MetadataReference?
    public var programTrackedEntityAttributes: [Attribute]?
    /// The org units the program is assigned to; change them one at a time with
    /// ``DHIS2Client/addOrganisationUnit(_:toProgram:)``.
    public var organisationUnits: [MetadataReference]?

    public init(
        id: String? = nil,
        name: String,
        shortName: String,
        code: String? = nil,
        description: String? = nil,
        programType: ProgramType,
        trackedEntityType: MetadataReference? = nil,
        categoryCombo: MetadataReference? = nil,
        programTrackedEntityAttributes: [Attribute]? = nil,
        organisationUnits: [MetadataReference]? = nil
    ) {
        self.id = id
        self.name = name
        self.shortName = shortName
        self.code = code
        self.description = description
        self.programType = programType
        self.trackedEntityType = trackedEntityType
        self.categoryCombo = categoryCombo
        self.programTrackedEntityAttributes = programTrackedEntityAttributes
        self.organisationUnits = organisationUnits
    }

    public func strippingInverseReferences() -> Program {
        var copy = self
        copy.programTrackedEntityAttributes = programTrackedEntityAttributes.clearing(\.program)
        return copy
    }
}
