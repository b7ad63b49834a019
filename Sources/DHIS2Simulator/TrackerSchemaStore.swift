import Synchronization

/// The simulator's tracker-schema objects: tracked entity attributes and types, programs and program stages.
///
/// Objects are kept as the JSON the client sent (plus generated ids), in creation order, behind one lock so a
/// write and the reference checks it depends on see the same state.
final class TrackerSchemaStore: Sendable {
    /// Why a write was refused.
    enum Refusal: Error, Sendable {
        /// 404 E1005: the object (or the joined organisation unit) does not exist.
        case notFound(String)
        /// 409 with an ObjectReport carrying these errors.
        case invalid([TrackerErrorReport])
        /// 409 E4030: the object is still referenced.
        case inUse(String)
    }

    private struct State {
        var objects: [TrackerSchemaKind: [JSONValue]] = [:]
        var generator: SplitMix64

        func index(_ kind: TrackerSchemaKind, _ id: String) -> Int? {
            objects[kind, default: []].firstIndex { $0["id"]?.stringValue == id }
        }

        func exists(_ kind: TrackerSchemaKind, _ id: String) -> Bool { index(kind, id) != nil }
    }

    private let state: Mutex<State>
    private let metadata: SimulatorMetadata

    init(metadata: SimulatorMetadata, seed: UInt64) {
        self.metadata = metadata
        state = Mutex(State(generator: SplitMix64.stream(seed: seed, label: "tracker-schema")))
    }

    /// Every object of a kind, in creation order.
    func all(_ kind: TrackerSchemaKind) -> [JSONValue] {
        state.withLock { $0.objects[kind, default: []] }
    }

    func object(_ kind: TrackerSchemaKind, _ id: String) -> JSONValue? {
        state.withLock { state in state.index(kind, id).map { state.objects[kind]![$0] } }
    }

    /// Creates an object; returns its id (the one sent, or a fresh one).
    func create(_ kind: TrackerSchemaKind, _ body: JSONValue) throws(Refusal) -> String {
        try state.withLock { state throws(Refusal) -> String in
            var object = body
            let id: String
            if let given = body["id"]?.stringValue {
                guard UID.isValid(given) else {
                    throw .invalid([
                        TrackerErrorReport(
                            errorCode: "E4014",
                            message: "Invalid UID `\(given)` for property `\(kind.className)`.",
                            property: "id",
                            arguments: [given, kind.className]
                        )
                    ])
                }
                guard !state.exists(kind, given) else {
                    throw .invalid([
                        TrackerErrorReport(
                            errorCode: "E5003",
                            message: "Property `id` with value `\(given)` on object \(kind.className) already exists.",
                            property: "id",
                            arguments: ["id", given, kind.className]
                        )
                    ])
                }
                id = given
            } else {
                id = UID.generate(using: &state.generator)
            }
            object = object.setting("id", .string(id))
            object = try Self.prepared(kind, object, id: id, state: &state, metadata: metadata)
            state.objects[kind, default: []].append(object)
            return id
        }
    }

    /// Replaces an object. Join lists are merged with the stored ones by joined object unless `replaceLists`
    /// (`mergeMode=REPLACE`), as DHIS2's nested-collection PUTs are additive.
    func replace(_ kind: TrackerSchemaKind, _ id: String, _ body: JSONValue, replaceLists: Bool) throws(Refusal) {
        try state.withLock { state throws(Refusal) in
            guard let index = state.index(kind, id) else { throw .notFound(Self.notFoundText(kind, id)) }
            let stored = state.objects[kind]![index]
            var object = body.setting("id", .string(id))
            if let join = kind.joinList {
                // The inverse reference is refused before merging, so it cannot hide behind an existing entry.
                let incoming = body[join.property]?.arrayValue ?? []
                if let looped = incoming.first(where: { $0.referenceID(join.inverse) == id }) {
                    let target = looped.referenceID(join.target) ?? ""
                    throw .invalid([
                        TrackerErrorReport(
                            errorCode: "E5002",
                            message:
                                "Invalid reference `\(id)` on object \(target) for association `\(join.inverse)`.",
                            property: join.inverse,
                            arguments: [id, target, join.inverse]
                        )
                    ])
                }
                if !replaceLists {
                    var merged = stored[join.property]?.arrayValue ?? []
                    for entry in incoming {
                        let target = entry.referenceID(join.target)
                        if let at = merged.firstIndex(where: { target != nil && $0.referenceID(join.target) == target })
                        {
                            let keptID = merged[at]["id"]
                            merged[at] = keptID.map { entry["id"] == nil ? entry.setting("id", $0) : entry } ?? entry
                        } else {
                            merged.append(entry)
                        }
                    }
                    object = object.setting(join.property, .array(merged))
                }
            }
            state.objects[kind]![index] = try Self.prepared(kind, object, id: id, state: &state, metadata: metadata)
        }
    }

    /// Deletes an object unless another one still refers to it (E4030). A program takes its stages with it.
    func delete(_ kind: TrackerSchemaKind, _ id: String) throws(Refusal) {
        try state.withLock { state throws(Refusal) in
            guard let index = state.index(kind, id) else { throw .notFound(Self.notFoundText(kind, id)) }
            let users: [(TrackerSchemaKind, JSONValue)] =
                switch kind {
                case .trackedEntityAttributes:
                    [TrackerSchemaKind.trackedEntityTypes, .programs].flatMap { owner in
                        state.objects[owner, default: []].filter { object in
                            let join = owner.joinList!
                            return (object[join.property]?.arrayValue ?? []).contains {
                                $0.referenceID(join.target) == id
                            }
                        }.map { (owner, $0) }
                    }
                case .trackedEntityTypes:
                    state.objects[.programs, default: []].filter { $0.referenceID("trackedEntityType") == id }
                        .map { (.programs, $0) }
                case .programs, .programStages:
                    []
                }
            if let first = users.first {
                let (owner, user) = first
                let userID = user["id"]?.stringValue ?? ""
                throw .inUse(
                    "Object could not be deleted because it is associated with another object: \(owner.className) \(userID)"
                )
            }
            state.objects[kind]!.remove(at: index)
            if kind == .programs {
                state.objects[.programStages]?.removeAll { $0.referenceID("program") == id }
            }
        }
    }

    /// `POST|DELETE /api/programs/{id}/organisationUnits/{ou}`: adds or removes one org unit; idempotent.
    func setOrganisationUnit(program id: String, unit: String, present: Bool) throws(Refusal) {
        try state.withLock { state throws(Refusal) in
            guard let index = state.index(.programs, id) else { throw .notFound(Self.notFoundText(.programs, id)) }
            guard metadata.find(.organisationUnits, uid: unit) != nil else {
                throw .notFound("OrganisationUnit with id \(unit) could not be found.")
            }
            let program = state.objects[.programs]![index]
            var units = program["organisationUnits"]?.arrayValue ?? []
            let listed = units.contains { $0["id"]?.stringValue == unit }
            if present && !listed { units.append(.object([JSONMember("id", .string(unit))])) }
            if !present { units.removeAll { $0["id"]?.stringValue == unit } }
            state.objects[.programs]![index] = program.setting("organisationUnits", .array(units))
        }
    }

    /// An object as reads show it: with `displayName`, and join entries pointing back at their parent, as
    /// DHIS2 serialises them (which is why clients must strip that reference before a PUT).
    static func rendered(_ kind: TrackerSchemaKind, _ object: JSONValue) -> JSONValue {
        var object = object
        if object["displayName"] == nil, let name = object["name"] { object = object.setting("displayName", name) }
        guard let join = kind.joinList, let entries = object[join.property]?.arrayValue,
            let id = object["id"]
        else { return object }
        let parent = JSONValue.object([JSONMember("id", id)])
        return object.setting(join.property, .array(entries.map { $0.setting(join.inverse, parent) }))
    }

    static func notFoundText(_ kind: TrackerSchemaKind, _ id: String) -> String {
        "\(kind.className) with id \(id) could not be found."
    }

    /// Validates an object and gives join entries ids of their own, as DHIS2 stores them.
    private static func prepared(
        _ kind: TrackerSchemaKind,
        _ object: JSONValue,
        id: String,
        state: inout State,
        metadata: SimulatorMetadata
    ) throws(Refusal) -> JSONValue {
        var errors: [TrackerErrorReport] = []
        for property in kind.requiredProperties {
            let value = object[property]
            let blank = value == nil || value == .null || value?.stringValue?.trimmingWhitespace.isEmpty == true
            if blank { errors.append(.missing(property)) }
        }
        func checkReference(_ property: String, _ target: TrackerSchemaKind) {
            if let ref = object.referenceID(property), !state.exists(target, ref) {
                errors.append(.noMatch(ref, target.className, property: property))
            }
        }
        switch kind {
        case .trackedEntityAttributes:
            if object["generated"]?.boolValue == true, object["pattern"]?.stringValue?.isEmpty ?? true {
                errors.append(.missing("pattern"))
            }
        case .trackedEntityTypes:
            break
        case .programs:
            let type = object["programType"]?.stringValue
            if let type, !["WITH_REGISTRATION", "WITHOUT_REGISTRATION"].contains(type) {
                errors.append(
                    TrackerErrorReport(
                        errorCode: "E4031",
                        message: "Invalid value `\(type)` for property `programType`.",
                        property: "programType",
                        arguments: [type, "programType"]
                    )
                )
            }
            // A tracker program registers tracked entities of one type (landscape: TET is required).
            if type == "WITH_REGISTRATION" && object.referenceID("trackedEntityType") == nil {
                errors.append(.missing("trackedEntityType"))
            }
            checkReference("trackedEntityType", .trackedEntityTypes)
        case .programStages:
            checkReference("program", .programs)
        }
        guard let join = kind.joinList else {
            if !errors.isEmpty { throw .invalid(errors) }
            return object
        }
        var object = object
        var entries = object[join.property]?.arrayValue ?? []
        for position in entries.indices {
            guard let target = entries[position].referenceID(join.target) else {
                errors.append(.missing(join.target))
                continue
            }
            let known =
                if let targetKind = join.targetKind {
                    state.exists(targetKind, target)
                } else {
                    metadata.find(.dataElements, uid: target) != nil
                }
            if !known {
                errors.append(
                    .noMatch(target, join.targetKind?.className ?? "DataElement", property: join.target)
                )
            }
            if entries[position]["id"]?.stringValue == nil {
                entries[position] = entries[position].setting("id", .string(UID.generate(using: &state.generator)))
            }
        }
        if !errors.isEmpty { throw .invalid(errors) }
        if object[join.property] != nil || !entries.isEmpty {
            object = object.setting(join.property, .array(entries))
        }
        return object
    }
}
