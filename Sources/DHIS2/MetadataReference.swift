/// A `{"id": …}` reference from one metadata object to another.
public struct MetadataReference: Codable, Hashable, Sendable, ExpressibleByStringLiteral {
    public var id: String

    public init(_ id: String) { self.id = id }

    public init(stringLiteral id: String) { self.id = id }
}
