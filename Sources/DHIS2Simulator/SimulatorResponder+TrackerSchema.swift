import HTTPTypes
import Hummingbird

extension SimulatorResponder {
    /// The tracker-schema collections: list, get, create, replace, delete, and a program's org units one
    /// at a time (`/api/programs/{id}/organisationUnits/{ou}`).
    func trackerSchema(_ request: Request, _ call: Call, _ kind: TrackerSchemaKind) async throws -> Outcome {
        let segments = call.segments
        let store = core.trackerSchema
        let id = segments.count >= 3 ? String(segments[2]) : nil
        do {
            switch (call.method, segments.count) {
            case ("GET", 2):
                return try trackerSchemaList(kind, call)
            case ("GET", 3):
                guard let object = store.object(kind, id!) else {
                    throw TrackerSchemaStore.Refusal.notFound(TrackerSchemaStore.notFoundText(kind, id!))
                }
                let selection = FieldSelection(parsing: call.query["fields"] ?? "*")
                return json(selection.apply(to: TrackerSchemaStore.rendered(kind, object)))
            case ("POST", 2):
                let created = try store.create(kind, try await trackerSchemaBody(request))
                var headers = HTTPFields()
                headers[.location] = "\(call.baseURL)/api/\(kind.rawValue)/\(created)"
                return message(.objectReport(201, kind: kind, uid: created), headers: headers)
            case ("PUT", 3):
                let replaceLists = call.query["mergeMode"]?.uppercased() == "REPLACE"
                try store.replace(kind, id!, try await trackerSchemaBody(request), replaceLists: replaceLists)
                return message(.objectReport(200, kind: kind, uid: id))
            case ("DELETE", 3):
                try store.delete(kind, id!)
                return message(.objectReport(200, kind: kind, uid: id))
            case ("POST", 5), ("DELETE", 5):
                guard kind == .programs, segments[3] == "organisationUnits" else { return plainNotFound() }
                try store.setOrganisationUnit(program: id!, unit: String(segments[4]), present: call.method == "POST")
                return message(WebMessage(200))
            default:
                return plainNotFound()
            }
        } catch let refusal as TrackerSchemaStore.Refusal {
            switch refusal {
            case .notFound(let text): throw WebMessage.notFound(text)
            case .invalid(let errors): return message(.objectReport(409, kind: kind, uid: id, errors: errors))
            case .inUse(let text): throw WebMessage.conflict(text, errorCode: "E4030")
            }
        }
    }

    /// A JSON object body; anything else is a 400 as DHIS2's JSON parse errors are.
    private func trackerSchemaBody(_ request: Request) async throws -> JSONValue {
        var bytes: [UInt8] = []
        for try await buffer in request.body { bytes.append(contentsOf: buffer.readableBytesView) }
        guard let value = try? JSONValue.parse(bytes), value.objectValue != nil else {
            throw WebMessage.badRequest("The request body is not a JSON object")
        }
        return value
    }

    /// `GET /api/<tracker collection>` with `fields`, `filter`, `paging`, `page` and `pageSize`.
    private func trackerSchemaList(_ kind: TrackerSchemaKind, _ call: Call) throws -> Outcome {
        var filters: [MetadataFilter] = []
        for text in call.query.all("filter", splitCommas: false) {
            guard let filter = MetadataFilter(text) else {
                throw WebMessage.badRequest("Invalid filter: \(text)", errorCode: "E1003")
            }
            filters.append(filter)
        }
        let anyJunction = call.query["rootJunction"]?.uppercased() == "OR"
        let matches = core.trackerSchema.all(kind).map { TrackerSchemaStore.rendered(kind, $0) }.filter { object in
            guard !filters.isEmpty else { return true }
            let results = filters.map { $0.matches(object.values(at: $0.path[...])) }
            return anyJunction ? results.contains(true) : !results.contains(false)
        }
        let selection = FieldSelection(parsing: call.query["fields"] ?? "id,displayName")
        var members: [JSONMember] = []
        var page = matches[...]
        if call.query.flag("paging") ?? true {
            let pages = ListPaging(call.query, total: matches.count)
            page = matches[pages.range]
            members.append(JSONMember("pager", pages.pager()))
        }
        members.append(JSONMember(kind.rawValue, .array(page.map { selection.apply(to: $0) })))
        return json(.object(members))
    }
}
