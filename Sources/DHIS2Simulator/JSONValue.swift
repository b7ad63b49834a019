/// A JSON document tree that keeps object keys in order.
///
/// The simulator builds its metadata and WebMessage responses with it, because DHIS2's key order (while not
/// a contract) is what real clients see; tests use it to read responses. Numbers keep their exact text.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// An integer number.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The member `key` of an object (the last one if repeated), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// Element `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var objectValue: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The object's keys in order (empty for non-objects).
    public var keys: [String] { objectValue?.map(\.key) ?? [] }

    /// Text used when comparing against filter operands: strings as they are, numbers and booleans as written.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}

/// One key/value pair of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Builds objects while leaving out nil members, as DHIS2's `NON_NULL` serialisation does.
struct JSONObjectBuilder {
    private(set) var members: [JSONMember] = []

    mutating func add(_ key: String, _ value: JSONValue) {
        members.append(JSONMember(key, value))
    }

    mutating func add(_ key: String, _ text: String?) {
        if let text { members.append(JSONMember(key, .string(text))) }
    }

    mutating func add(_ key: String, _ number: Int?) {
        if let number { members.append(JSONMember(key, .int(number))) }
    }

    mutating func add(_ key: String, _ flag: Bool?) {
        if let flag { members.append(JSONMember(key, .bool(flag))) }
    }

    var value: JSONValue { .object(members) }
}
