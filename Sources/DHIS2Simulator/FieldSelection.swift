/// A parsed `fields` parameter: `id,name,parent[id,name],!code`, presets `*`, `:all`, `:owner`,
/// `:identifiable`, `:nameable`.
struct FieldSelection: Sendable {
    struct Field: Sendable {
        var name: String
        var children: FieldSelection?
    }

    var fields: [Field] = []
    var excluded: Set<String> = []

    static let everything = FieldSelection(fields: [Field(name: "*")])
    static let idOnly = FieldSelection(fields: [Field(name: "id")])

    init(fields: [Field] = [], excluded: Set<String> = []) {
        self.fields = fields
        self.excluded = excluded
    }

    /// Parses nested, comma-separated field lists; brackets or parentheses group sub-fields.
    init(parsing text: String) {
        var parser = Parser(bytes: Array(text.utf8))
        self = parser.list()
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func list() -> FieldSelection {
            var selection = FieldSelection()
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "]") || byte == UInt8(ascii: ")") {
                    position += 1
                    break
                }
                if byte == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                let start = position
                while position < bytes.count,
                    ![UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")")]
                        .contains(bytes[position])
                {
                    position += 1
                }
                var name = String(decoding: bytes[start..<position], as: UTF8.self).trimmingWhitespace
                // `name~rename(x)` style transformers are accepted and ignored.
                if let tilde = name.firstIndex(of: "~") { name = String(name[..<tilde]) }
                var children: FieldSelection?
                if position < bytes.count, bytes[position] == UInt8(ascii: "[") || bytes[position] == UInt8(ascii: "(")
                {
                    position += 1
                    children = list()
                }
                if name.hasPrefix("!") {
                    selection.excluded.insert(String(name.dropFirst()))
                } else if !name.isEmpty {
                    selection.fields.append(Field(name: name, children: children))
                }
            }
            return selection
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var slice = self[...]
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}

extension SimulatorMetadata {
    /// Renders object `index` of `kind` with `selection` (reference §4.1): references render as `{"id":…}`
    /// unless sub-fields are asked for.
    func render(_ kind: MetadataKind, _ index: Int, _ selection: FieldSelection) -> JSONValue {
        render(properties(kind, index), selection)
    }

    private func render(_ properties: [(String, MetadataNodeValue)], _ selection: FieldSelection) -> JSONValue {
        var names: [(String, FieldSelection?)] = []
        for field in selection.fields {
            switch field.name {
            case "*", ":all", ":owner":
                names.append(contentsOf: properties.map { ($0.0, nil) })
            case ":identifiable":
                names.append(contentsOf: ["id", "name", "code", "created", "lastUpdated"].map { ($0, nil) })
            case ":nameable":
                names.append(
                    contentsOf: ["id", "name", "shortName", "code", "created", "lastUpdated"].map { ($0, nil) }
                )
            default:
                names.append((field.name, field.children))
            }
        }
        var members: [JSONMember] = []
        var seen: Set<String> = []
        for (name, children) in names where !selection.excluded.contains(name) {
            guard let property = properties.first(where: { $0.0 == name }) else { continue }
            if let existing = members.firstIndex(where: { $0.key == name }) {
                // An explicit `ref[...]` after `*` refines the earlier rendering.
                if children != nil { members[existing].value = renderValue(property.1, children) }
                continue
            }
            guard seen.insert(name).inserted else { continue }
            members.append(JSONMember(name, renderValue(property.1, children)))
        }
        return .object(members)
    }

    private func renderValue(_ value: MetadataNodeValue, _ children: FieldSelection?) -> JSONValue {
        switch value {
        case .value(let json):
            return json
        case .reference(let kind, let index):
            return render(kind, index, children ?? .idOnly)
        case .references(let kind, let indexes):
            return .array(indexes.map { render(kind, $0, children ?? .idOnly) })
        case .embedded(let objects):
            return .array(objects.map { render($0, children ?? .everything) })
        }
    }

    /// The scalar values at a dotted property path (`parent.id`, `dataSets.id`); collections are flattened.
    func values(at path: [Substring], of properties: [(String, MetadataNodeValue)]) -> [JSONValue]? {
        guard let first = path.first, let property = properties.first(where: { $0.0 == first })?.1 else {
            return nil
        }
        let rest = Array(path.dropFirst())
        switch property {
        case .value(let json):
            guard rest.isEmpty else { return [] }
            if case .array(let elements) = json { return elements }
            return [json]
        case .reference(let kind, let index):
            return values(at: rest.isEmpty ? ["id"] : rest, of: self.properties(kind, index))
        case .references(let kind, let indexes):
            if rest.isEmpty { return indexes.map { .string(identity(kind, $0).id) } }
            return indexes.flatMap { values(at: rest, of: self.properties(kind, $0)) ?? [] }
        case .embedded(let objects):
            if rest.isEmpty { return objects.map { _ in .null } }
            return objects.flatMap { values(at: rest, of: $0) ?? [] }
        }
    }
}
