/// The tracker-schema collections the simulator keeps as mutable, in-memory objects.
///
/// Unlike the generated aggregate metadata these can be created, replaced and deleted, so clients that
/// author tracker programs can be tested against the same rules a live server applies.
enum TrackerSchemaKind: String, CaseIterable, Sendable {
    case trackedEntityAttributes
    case trackedEntityTypes
    case programs
    case programStages

    /// A join list nested in objects of a kind, e.g. `trackedEntityTypeAttributes`.
    struct JoinList: Sendable {
        /// The list's property name.
        var property: String
        /// The property of an entry naming the joined object; entries are merged by its id.
        var target: String
        /// The property pointing back to the parent, which a PUT must not carry.
        var inverse: String
        /// Where the joined objects live: another tracker collection, or the aggregate data elements.
        var targetKind: TrackerSchemaKind?
    }

    var className: String {
        switch self {
        case .trackedEntityAttributes: "TrackedEntityAttribute"
        case .trackedEntityTypes: "TrackedEntityType"
        case .programs: "Program"
        case .programStages: "ProgramStage"
        }
    }

    /// The Java class name used as `klass` and `mainKlass` in reports.
    var klass: String {
        switch self {
        case .trackedEntityAttributes, .trackedEntityTypes: "org.hisp.dhis.trackedentity.\(className)"
        case .programs, .programStages: "org.hisp.dhis.program.\(className)"
        }
    }

    /// Properties a create or replace must carry.
    var requiredProperties: [String] {
        switch self {
        case .trackedEntityAttributes: ["name", "shortName", "valueType"]
        case .trackedEntityTypes: ["name"]
        case .programs: ["name", "shortName", "programType"]
        case .programStages: ["name", "program"]
        }
    }

    var joinList: JoinList? {
        switch self {
        case .trackedEntityAttributes:
            nil
        case .trackedEntityTypes:
            JoinList(
                property: "trackedEntityTypeAttributes",
                target: "trackedEntityAttribute",
                inverse: "trackedEntityType",
                targetKind: .trackedEntityAttributes
            )
        case .programs:
            JoinList(
                property: "programTrackedEntityAttributes",
                target: "trackedEntityAttribute",
                inverse: "program",
                targetKind: .trackedEntityAttributes
            )
        case .programStages:
            JoinList(
                property: "programStageDataElements",
                target: "dataElement",
                inverse: "programStage",
                targetKind: nil
            )
        }
    }
}
