/// A tracked entity type (`/api/trackedEntityTypes`), e.g. Person, with its ordered attributes.
public struct TrackedEntityType: TrackerSchemaObject, Hashable {
    public static let resource = "trackedEntityTypes"

    /// One attribute of the type, with how it is used.
    public struct Attribute: Codable, Hashable, Sendable {
        /// The join entry's own id, assigned by the server.
        public var id: String?
        public var trackedEntityAttribute: MetadataReference
        public var mandatory: Bool?
        public var searchable: Bool?
        public var displayInList: Bool?
        /// The inverse reference to the type; DHIS2 includes it in reads and refuses it in a PUT.
        public var trackedEntityType: MetadataReference?

        public init(
            _ attribute: String,
            mandatory: Bool? = nil,
            searchable: Bool? = nil,
            displayInList: Bool? = nil
        ) {
            trackedEntityAttribute = MetadataReference(attribute)
            self.mandatory = mandatory
            self.searchable = searchable
            self.displayInList = displayInList
        }
    }

    public var id: String?
    public var name: String
    public var code: String?
    public var description: String?
    public var trackedEntityTypeAttributes: [Attribute]?

    public init(
        id: String? = nil,
        name: String,
        code: String? = nil,
        description: String? = nil,
        trackedEntityTypeAttributes: [Attribute]? = nil
    ) {
        self.id = id
        self.name = name
        self.code = code
        self.description = description
        self.trackedEntityTypeAttributes = trackedEntityTypeAttributes
    }

    public func strippingInverseReferences() -> TrackedEntityType {
        var copy = self
        copy.trackedEntityTypeAttributes = trackedEntityTypeAttributes.clearing(\.trackedEntityType)
        return copy
    }
}
