/// An ordered list of HTTP header fields.
///
/// Names keep their original spelling; lookups compare names ASCII-case-insensitively. A name may occur
/// several times (e.g. `Set-Cookie`), so lookups return every value in order.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    public init() {
        self.fields = []
    }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields.
    public var count: Int { self.fields.count }

    public var isEmpty: Bool { self.fields.isEmpty }

    /// Appends a field, keeping any existing fields of the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name`, then appends one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        self.remove(name: name)
        self.add(name: name, value: value)
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        self.fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// Every value of the fields named `name`, in order.
    public subscript(name: String) -> [String] {
        self.fields.compactMap { Self.namesEqual($0.name, name) ? $0.value : nil }
    }

    /// The first value of the fields named `name`.
    public func first(name: String) -> String? {
        self.fields.first { Self.namesEqual($0.name, name) }?.value
    }

    /// Whether a field named `name` exists.
    public func contains(name: String) -> Bool {
        self.fields.contains { Self.namesEqual($0.name, name) }
    }

    public func makeIterator() -> IndexingIterator<[Field]> {
        self.fields.makeIterator()
    }

    /// Names only: header values may be credentials, so they are never printed.
    public var description: String {
        "HTTPHeaders(\(self.fields.map(\.name).joined(separator: ", ")))"
    }

    /// ASCII case-insensitive comparison without allocating lowercased copies (this runs per header per lookup).
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let l?, let r?):
                if l == r || Self.lowercased(l) == Self.lowercased(r) {
                    continue
                }
                return false
            default:
                return false
            }
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}
