/// A program stage (`/api/programStages`) with its ordered data elements.
public struct ProgramStage: TrackerSchemaObject, Hashable {
    public static let resource = "programStages"

    /// One data element captured in the stage.
    public struct DataElement: Codable, Hashable, Sendable {
        /// The join entry's own id, assigned by the server.
        public var id: String?
        public var dataElement: MetadataReference
        public var compulsory: Bool?
        /// Position in the stage's form; the client's reorder helpers rewrite it 1, 2, 3, …
        public var sortOrder: Int?
        public var allowFutureDate: Bool?
        public var displayInReports: Bool?
        /// The inverse reference to the stage; refused in a PUT.
        public var programStage: MetadataReference?

        public init(
            _ dataElement: String,
            compulsory: Bool? = nil,
            sortOrder: Int? = nil,
            allowFutureDate: Bool? = nil,
            displayInReports: Bool? = nil
        ) {
            self.dataElement = MetadataReference(dataElement)
            self.compulsory = compulsory
            self.sortOrder = sortOrder
            self.allowFutureDate = allowFutureDate
            self.displayInReports = displayInReports
        }
    }

    public var id: String?
    public var name: String
    public var program: MetadataReference
    public var description: String?
    public var sortOrder: Int?
    public var repeatable: Bool?
    public var programStageDataElements: [DataElement]?

    public init(
        id: String? = nil,
        name: String,
        program: MetadataReference,
        description: String? = nil,
        sortOrder: Int? = nil,
        repeatable: Bool? = nil,
        programStageDataElements: [DataElement]? = nil
    ) {
        self.id = id
        self.name = name
        self.program = program
        self.description = description
        self.sortOrder = sortOrder
        self.repeatable = repeatable
        self.programStageDataElements = programStageDataElements
    }

    public func strippingInverseReferences() -> ProgramStage {
        var copy = self
        copy.programStageDataElements = programStageDataElements.clearing(\.programStage)
        return copy
    }
}
