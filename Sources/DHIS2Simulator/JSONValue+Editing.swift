extension JSONValue {
    /// The object with member `key` set (replacing it in place, or appended); non-objects are unchanged.
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append(JSONMember(key, value))
        }
        return .object(members)
    }

    /// The object without member `key`.
    func removing(_ key: String) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { $0.key != key })
    }

    /// `self[key]["id"]` as text: the id of a `{"id": …}` reference.
    func referenceID(_ key: String) -> String? {
        self[key]?["id"]?.stringValue
    }

    /// The values at a dotted path; arrays along the way are flattened (for list filters).
    func values(at path: ArraySlice<Substring>) -> [JSONValue] {
        if case .array(let elements) = self { return elements.flatMap { $0.values(at: path) } }
        guard let first = path.first else { return [self] }
        guard let member = self[String(first)] else { return [] }
        return member.values(at: path.dropFirst())
    }
}

extension FieldSelection {
    /// Applies the selection to a stored JSON object; nested selections apply to objects and arrays of them.
    func apply(to value: JSONValue) -> JSONValue {
        if case .array(let elements) = value { return .array(elements.map { apply(to: $0) }) }
        guard case .object(let members) = value else { return value }
        var chosen: [JSONMember] = []
        func choose(_ member: JSONMember, _ children: FieldSelection?) {
            guard !excluded.contains(member.key) else { return }
            let rendered = children.map { JSONMember(member.key, $0.apply(to: member.value)) } ?? member
            if let existing = chosen.firstIndex(where: { $0.key == member.key }) {
                if children != nil { chosen[existing] = rendered }
            } else {
                chosen.append(rendered)
            }
        }
        for field in fields {
            switch field.name {
            case "*", ":all", ":owner":
                for member in members { choose(member, nil) }
            default:
                if let member = members.last(where: { $0.key == field.name }) { choose(member, field.children) }
            }
        }
        return .object(chosen)
    }
}
