import JSONStream

extension JSONValue {
    /// Parses a whole JSON document with JSONStream's tokenizer.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var tokenizer = JSONTokenizer()
        var builder = TreeBuilder()
        try tokenizer.feed(bytes, into: &builder)
        try tokenizer.finish(into: &builder)
        guard let root = builder.root else {
            throw JSONStreamError(.unexpectedEndOfInput, at: bytes.count, "empty document")
        }
        return root
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// Collects tokenizer events into a `JSONValue`.
private struct TreeBuilder: JSONEventSink {
    private enum Frame {
        case array([JSONValue])
        case object([JSONMember], pendingKey: String?)
    }

    private var stack: [Frame] = []
    private(set) var root: JSONValue?

    private mutating func emit(_ value: JSONValue) {
        guard let top = stack.popLast() else {
            root = value
            return
        }
        switch top {
        case .array(var elements):
            elements.append(value)
            stack.append(.array(elements))
        case .object(var members, let key):
            members.append(JSONMember(key ?? "", value))
            stack.append(.object(members, pendingKey: nil))
        }
    }

    mutating func startObject(at offset: Int) throws { stack.append(.object([], pendingKey: nil)) }

    mutating func endObject(at offset: Int) throws {
        guard case .object(let members, _) = stack.popLast() else { return }
        emit(.object(members))
    }

    mutating func startArray(at offset: Int) throws { stack.append(.array([])) }

    mutating func endArray(at offset: Int) throws {
        guard case .array(let elements) = stack.popLast() else { return }
        emit(.array(elements))
    }

    mutating func key(_ key: JSONText, at offset: Int) throws {
        guard case .object(let members, _) = stack.popLast() else { return }
        stack.append(.object(members, pendingKey: key.decodedString()))
    }

    mutating func string(_ value: JSONText, at offset: Int) throws { emit(.string(value.decodedString())) }
    mutating func number(_ value: JSONText, at offset: Int) throws { emit(.number(value.decodedString())) }
    mutating func bool(_ value: Bool, at offset: Int) throws { emit(.bool(value)) }
    mutating func null(at offset: Int) throws { emit(.null) }
}
