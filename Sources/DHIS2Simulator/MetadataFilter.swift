/// One `filter=property:operator:value` of a metadata list (reference §4.1).
struct MetadataFilter: Sendable {
    var path: [Substring]
    var operation: String
    var operand: String

    /// Parses `prop:op[:value]`; nil when malformed.
    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts[0].isEmpty else { return nil }
        path = parts[0].split(separator: ".")
        operation = String(parts[1])
        operand = parts.count > 2 ? String(parts[2]) : ""
        guard MetadataFilter.operations.contains(operation) else { return nil }
    }

    static let operations: Set<String> = [
        "eq", "!eq", "ne", "ieq", "like", "!like", "$like", "!$like", "like$", "!like$", "ilike", "!ilike",
        "$ilike", "!$ilike", "ilike$", "!ilike$", "gt", "ge", "lt", "le", "null", "!null", "empty", "!empty",
        "in", "!in", "token", "!token",
    ]

    /// Whether the property values satisfy the filter. Collections match when any element does (negated
    /// operators: when none does).
    func matches(_ values: [JSONValue]) -> Bool {
        let texts = values.compactMap(\.scalarText)
        switch operation {
        case "null": return texts.isEmpty
        case "!null": return !texts.isEmpty
        case "empty": return values.isEmpty
        case "!empty": return !values.isEmpty
        case "!eq", "ne": return !texts.contains(operand)
        case "!like", "!$like", "!like$", "!ilike", "!$ilike", "!ilike$", "!in", "!token":
            var positive = self
            positive.operation = String(operation.dropFirst())
            return !positive.matches(values)
        default: return texts.contains { matches($0) }
        }
    }

    private func matches(_ text: String) -> Bool {
        switch operation {
        case "eq": return text == operand
        case "ieq": return text.lowercased() == operand.lowercased()
        case "like": return text.contains(operand)
        case "$like": return text.hasPrefix(operand)
        case "like$": return text.hasSuffix(operand)
        case "ilike", "token": return text.lowercased().contains(operand.lowercased())
        case "$ilike": return text.lowercased().hasPrefix(operand.lowercased())
        case "ilike$": return text.lowercased().hasSuffix(operand.lowercased())
        case "in":
            let list = operand.trimmingCharacters(in: "[]").split(separator: ",").map { String($0).trimmingWhitespace }
            return list.contains(text)
        case "gt", "ge", "lt", "le":
            let order: Int
            if let left = Double(text), let right = Double(operand) {
                order = left < right ? -1 : (left > right ? 1 : 0)
            } else {
                order = text < operand ? -1 : (text > operand ? 1 : 0)
            }
            switch operation {
            case "gt": return order > 0
            case "ge": return order >= 0
            case "lt": return order < 0
            default: return order <= 0
            }
        default: return false
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
