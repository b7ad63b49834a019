extension SimulatorResponder {
    /// `GET /api/<collection>` with `fields`, `filter`, `rootJunction`, `paging`, `page`, `pageSize`, `order`,
    /// `query`, and for org units `level`/`maxLevel` (reference §4.1–4.2).
    func metadataList(_ kind: MetadataKind, _ call: Call) throws -> Outcome {
        let metadata = core.store.metadata
        let query = call.query
        var filters: [MetadataFilter] = []
        for text in query.all("filter", splitCommas: false) {
            guard let filter = MetadataFilter(text) else {
                throw WebMessage.badRequest("Invalid filter: \(text)", errorCode: "E1003")
            }
            // Live servers refuse this filter (dhis2w #128).
            if kind == .dataSets && filter.path.first == "periodType" {
                throw WebMessage.badRequest("Filtering by periodType is not supported", errorCode: "E1003")
            }
            filters.append(filter)
        }
        let anyJunction = query["rootJunction"]?.uppercased() == "OR"
        let level = query["level"].flatMap { Int($0) }
        let maxLevel = query["maxLevel"].flatMap { Int($0) }
        let search = query["query"]?.lowercased()
        // Optional properties (code, parent) are absent from some objects, which is not an unknown path.
        if let sample = (0..<metadata.count(of: kind)).first {
            let known = Set(metadata.properties(kind, sample).map(\.0)).union(["code", "shortName", "parent"])
            for filter in filters where !known.contains(String(filter.path[0])) {
                throw WebMessage.badRequest("Unknown path property: `\(filter.path.joined(separator: "."))`")
            }
        }
        var matches: [Int] = []
        for index in 0..<metadata.count(of: kind) {
            if kind == .organisationUnits {
                let unit = metadata.organisationUnits[index]
                if let level, unit.level != level { continue }
                if let maxLevel, unit.level > maxLevel { continue }
            }
            if let search, !search.isEmpty {
                let identity = metadata.identity(kind, index)
                let haystack = [identity.id, identity.name, identity.code ?? ""].map { $0.lowercased() }
                if !haystack.contains(where: { $0.contains(search) }) { continue }
            }
            if !filters.isEmpty {
                let properties = metadata.properties(kind, index)
                var results: [Bool] = []
                for filter in filters {
                    results.append(filter.matches(metadata.values(at: filter.path, of: properties) ?? []))
                }
                if anyJunction ? !results.contains(true) : results.contains(false) { continue }
            }
            matches.append(index)
        }
        if let order = query["order"] {
            let parts = order.split(separator: ":")
            let property: [Substring] = parts.first.map { [$0] } ?? ["name"]
            let descending = parts.count > 1 && parts[1].lowercased().hasSuffix("desc")
            let caseless = parts.count > 1 && parts[1].lowercased().hasPrefix("i")
            let keys = Dictionary(
                uniqueKeysWithValues: matches.map { index in
                    let text =
                        metadata.values(at: property, of: metadata.properties(kind, index))?.first?.scalarText ?? ""
                    return (index, caseless ? text.lowercased() : text)
                }
            )
            matches.sort { descending ? keys[$0]! > keys[$1]! : keys[$0]! < keys[$1]! }
        }
        let selection = FieldSelection(parsing: query["fields"] ?? "id,displayName")
        let paging = query.flag("paging") ?? true
        var members: [JSONMember] = []
        var page = matches[...]
        if paging {
            let pages = ListPaging(query, total: matches.count)
            page = matches[pages.range]
            members.append(JSONMember("pager", pages.pager { pageURL(call, kind: kind, page: $0) }))
        }
        members.append(JSONMember(kind.rawValue, .array(page.map { metadata.render(kind, $0, selection) })))
        return json(.object(members))
    }

    private func pageURL(_ call: Call, kind: MetadataKind, page: Int) -> String {
        var items = call.query.items.filter { $0.name != "page" }.map { ($0.name, $0.value) }
        items.append(("page", String(page)))
        let query = items.map { "\(PercentEncoder.encode($0.0))=\(PercentEncoder.encode($0.1))" }.joined(separator: "&")
        return "\(call.baseURL)/api/\(kind.rawValue)?\(query)"
    }

    /// `GET /api/<collection>/{uid}`: the object with `fields` (default all), or 404 E1005.
    func metadataObject(_ kind: MetadataKind, _ uid: String, _ call: Call) throws -> Outcome {
        let metadata = core.store.metadata
        guard let index = metadata.find(kind, uid: uid) else {
            throw WebMessage.notFound("\(kind.className) with id \(uid) could not be found.")
        }
        let selection = FieldSelection(parsing: call.query["fields"] ?? "*")
        return json(metadata.render(kind, index, selection))
    }
}

/// Percent-encoding for building `nextPage` URLs.
enum PercentEncoder {
    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                output += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return output
    }
}
