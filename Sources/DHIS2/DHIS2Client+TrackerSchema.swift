import Curl
import Foundation

/// How a PUT combines nested collections with the stored ones.
public enum MergeMode: String, Sendable {
    /// The body is the whole object: join lists not in it are dropped. What the helpers send.
    case replace = "REPLACE"
    /// DHIS2's default: nested join lists are merged into the stored ones, so nothing is ever removed.
    case merge = "MERGE"
}

/// A page of a tracker-schema list: the objects sit under the collection's name.
private struct TrackerSchemaPage<Object: TrackerSchemaObject>: Decodable {
    struct Pager: Decodable { var pageCount: Int? }
    var pager: Pager?
    var objects: [Object]

    /// The collections a page can hold; `Object.resource` is one of them.
    private enum Key: String, CodingKey {
        case pager, trackedEntityAttributes, trackedEntityTypes, programs, programStages
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        pager = try container.decodeIfPresent(Pager.self, forKey: .pager)
        guard let key = Key(rawValue: Object.resource) else {
            throw DecodingError.dataCorruptedError(forKey: .pager, in: container, debugDescription: "no list key")
        }
        objects = try container.decodeIfPresent([Object].self, forKey: key) ?? []
    }
}

extension DHIS2Client {
    // MARK: CRUD

    /// Every object of a tracker-schema collection, all fields, reading every page.
    public func trackerSchemaObjects<Object: TrackerSchemaObject>(
        _: Object.Type = Object.self,
        filters: [String] = [],
        pageSize: Int = 200
    ) async throws(DHIS2Error) -> [Object] {
        var objects: [Object] = []
        var page = 1
        while true {
            let query: [HTTPClientRequest.QueryItem] =
                [.init("fields", "*"), .init("page", String(page)), .init("pageSize", String(pageSize))]
                + filters.map { .init("filter", $0) }
            let answer: TrackerSchemaPage<Object> = try await getJSON(Object.resource, query: query)
            objects += answer.objects
            guard page < answer.pager?.pageCount ?? page, !answer.objects.isEmpty else { return objects }
            page += 1
        }
    }

    /// One object by id; a missing one throws ``DHIS2Error/Code/notFound`` (E1005).
    public func trackerSchemaObject<Object: TrackerSchemaObject>(
        _: Object.Type = Object.self,
        id: String
    ) async throws(DHIS2Error) -> Object {
        try await getJSON("\(Object.resource)/\(id)", query: [.init("fields", "*")])
    }

    /// `POST /api/<collection>`; the result's `uid` is the created object's id.
    public func create<Object: TrackerSchemaObject>(_ object: Object) async throws(DHIS2Error) -> ObjectWriteResult {
        try await write(.post, Object.resource, object.strippingInverseReferences())
    }

    /// `PUT /api/<collection>/{id}` of the whole object, without inverse references.
    ///
    /// `mergeMode` is ``MergeMode/replace`` by default because DHIS2 otherwise merges nested join lists,
    /// so an attribute or data element left out of the body would silently stay.
    public func update<Object: TrackerSchemaObject>(
        _ object: Object,
        mergeMode: MergeMode = .replace
    ) async throws(DHIS2Error) -> ObjectWriteResult {
        guard let id = object.id else {
            throw DHIS2Error(code: .badRequest, detail: "an update needs the object's id", endpoint: Object.resource)
        }
        return try await write(
            .put,
            "\(Object.resource)/\(id)",
            object.strippingInverseReferences(),
            query: [.init("mergeMode", mergeMode.rawValue)]
        )
    }

    /// `DELETE /api/<collection>/{id}`. A 409 E4030 (still in use) throws ``DHIS2Error/Code/conflict``.
    public func delete<Object: TrackerSchemaObject>(
        _: Object.Type,
        id: String
    ) async throws(DHIS2Error) -> ObjectWriteResult {
        let path = "\(Object.resource)/\(id)"
        let response = try await send(.delete, path, accepting: [409])
        return try ObjectWriteResult.decode(
            status: response.status,
            body: response.body,
            endpoint: "DELETE /api/\(path)"
        )
    }

    private func write<Object: TrackerSchemaObject>(
        _ method: HTTPMethod,
        _ path: String,
        _ object: Object,
        query: [HTTPClientRequest.QueryItem] = []
    ) async throws(DHIS2Error) -> ObjectWriteResult {
        let endpoint = "\(method.rawValue) /api/\(path)"
        let body: Data
        do {
            body = try JSONEncoder().encode(object)
        } catch {
            throw DHIS2Error(code: .badRequest, detail: "cannot encode \(Object.self): \(error)", endpoint: endpoint)
        }
        let response = try await send(method, path, query: query, body: Array(body), accepting: [409])
        return try ObjectWriteResult.decode(status: response.status, body: response.body, endpoint: endpoint)
    }

    /// Reads, edits and PUTs back an object; nothing is sent when `edit` reports no change.
    ///
    /// - Returns: whether the object changed. A refused PUT throws ``DHIS2Error/Code/conflict``.
    private func modify<Object: TrackerSchemaObject>(
        _: Object.Type,
        id: String,
        _ edit: (inout Object) -> Bool
    ) async throws(DHIS2Error) -> Bool {
        var object: Object = try await trackerSchemaObject(id: id)
        guard edit(&object) else { return false }
        let result = try await update(object)
        try result.requireSuccess("PUT /api/\(Object.resource)/\(id)")
        return true
    }

    // MARK: Tracked entity type attributes

    /// Adds an attribute to a tracked entity type, or updates its flags; idempotent.
    @discardableResult
    public func addAttribute(
        _ attribute: TrackedEntityType.Attribute,
        toTrackedEntityType type: String
    ) async throws(DHIS2Error) -> Bool {
        try await modify(TrackedEntityType.self, id: type) { object in
            Self.upsert(attribute, into: &object.trackedEntityTypeAttributes, key: \.trackedEntityAttribute)
        }
    }

    /// Removes an attribute from a tracked entity type; idempotent.
    @discardableResult
    public func removeAttribute(
        _ attribute: String,
        fromTrackedEntityType type: String
    ) async throws(DHIS2Error)
        -> Bool
    {
        try await modify(TrackedEntityType.self, id: type) { object in
            Self.remove(
                MetadataReference(attribute),
                from: &object.trackedEntityTypeAttributes,
                key: \.trackedEntityAttribute
            )
        }
    }

    // MARK: Program attributes and org units

    /// Adds an attribute to a program, or updates its flags; idempotent.
    @discardableResult
    public func addAttribute(
        _ attribute: Program.Attribute,
        toProgram program: String
    ) async throws(DHIS2Error)
        -> Bool
    {
        try await modify(Program.self, id: program) { object in
            Self.upsert(attribute, into: &object.programTrackedEntityAttributes, key: \.trackedEntityAttribute)
        }
    }

    /// Removes an attribute from a program; idempotent.
    @discardableResult
    public func removeAttribute(_ attribute: String, fromProgram program: String) async throws(DHIS2Error) -> Bool {
        try await modify(Program.self, id: program) { object in
            Self.remove(
                MetadataReference(attribute),
                from: &object.programTrackedEntityAttributes,
                key: \.trackedEntityAttribute
            )
        }
    }

    /// `POST /api/programs/{id}/organisationUnits/{ou}`: assigns one org unit without rewriting the program.
    public func addOrganisationUnit(_ unit: String, toProgram program: String) async throws(DHIS2Error) {
        _ = try await send(.post, "programs/\(program)/organisationUnits/\(unit)")
    }

    /// `DELETE /api/programs/{id}/organisationUnits/{ou}`.
    public func removeOrganisationUnit(_ unit: String, fromProgram program: String) async throws(DHIS2Error) {
        _ = try await send(.delete, "programs/\(program)/organisationUnits/\(unit)")
    }

    // MARK: Program stage data elements

    /// Adds a data element to a stage (at the end unless it is there already, whose flags are then updated);
    /// sortOrder is rewritten 1, 2, 3, … Idempotent.
    @discardableResult
    public func addDataElement(
        _ element: ProgramStage.DataElement,
        toProgramStage stage: String
    ) async throws(DHIS2Error) -> Bool {
        try await modify(ProgramStage.self, id: stage) { object in
            var changed = Self.upsert(element, into: &object.programStageDataElements, key: \.dataElement)
            changed = Self.renumber(&object.programStageDataElements) || changed
            return changed
        }
    }

    /// Removes a data element from a stage and renumbers the rest; idempotent.
    @discardableResult
    public func removeDataElement(_ element: String, fromProgramStage stage: String) async throws(DHIS2Error) -> Bool {
        try await modify(ProgramStage.self, id: stage) { object in
            guard Self.remove(MetadataReference(element), from: &object.programStageDataElements, key: \.dataElement)
            else { return false }
            _ = Self.renumber(&object.programStageDataElements)
            return true
        }
    }

    /// Puts a stage's data elements in the given order (ids not listed keep their relative order after
    /// them) and rewrites sortOrder 1, 2, 3, …
    @discardableResult
    public func reorderDataElements(_ order: [String], inProgramStage stage: String) async throws(DHIS2Error) -> Bool {
        try await modify(ProgramStage.self, id: stage) { object in
            let entries = object.programStageDataElements ?? []
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            let sorted = entries.enumerated().sorted { lhs, rhs in
                let left = rank[lhs.element.dataElement.id] ?? order.count + lhs.offset
                let right = rank[rhs.element.dataElement.id] ?? order.count + rhs.offset
                return left < right
            }.map(\.element)
            let moved = sorted != entries
            object.programStageDataElements = sorted
            return Self.renumber(&object.programStageDataElements) || moved
        }
    }

    // MARK: Join list editing

    /// Inserts or updates the entry for the same referenced object; false when it was already equal.
    private static func upsert<Entry: Codable & Equatable>(
        _ entry: Entry,
        into list: inout [Entry]?,
        key: KeyPath<Entry, MetadataReference>
    ) -> Bool {
        var entries = list ?? []
        if let index = entries.firstIndex(where: { $0[keyPath: key] == entry[keyPath: key] }) {
            // Keep the server's join id and what the caller left unset, so a re-add changes nothing.
            let merged = mergedEntry(existing: entries[index], update: entry)
            guard merged != entries[index] else { return false }
            entries[index] = merged
        } else {
            entries.append(entry)
        }
        list = entries
        return true
    }

    private static func remove<Entry>(
        _ reference: MetadataReference,
        from list: inout [Entry]?,
        key: KeyPath<Entry, MetadataReference>
    ) -> Bool {
        guard let entries = list, entries.contains(where: { $0[keyPath: key] == reference }) else { return false }
        list = entries.filter { $0[keyPath: key] != reference }
        return true
    }

    /// Sets sortOrder to 1…n in list order; false when it already was.
    private static func renumber(_ list: inout [ProgramStage.DataElement]?) -> Bool {
        guard var entries = list else { return false }
        var changed = false
        for index in entries.indices where entries[index].sortOrder != index + 1 {
            entries[index].sortOrder = index + 1
            changed = true
        }
        list = entries
        return changed
    }

    /// The stored entry with the caller's set fields applied (JSON-level merge keeps this generic).
    private static func mergedEntry<Entry: Codable>(existing: Entry, update: Entry) -> Entry {
        guard let old = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(existing)) as? [String: Any],
            let new = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(update)) as? [String: Any],
            let data = try? JSONSerialization.data(withJSONObject: old.merging(new) { _, latest in latest }),
            let merged = try? JSONDecoder().decode(Entry.self, from: data)
        else { return update }
        return merged
    }
}
