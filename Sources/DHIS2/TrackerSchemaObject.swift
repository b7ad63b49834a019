/// A tracker-schema object with its own collection under `/api` (attributes, types, programs, stages).
public protocol TrackerSchemaObject: Codable, Sendable {
    /// The collection, e.g. `trackedEntityTypes`; list answers carry the objects under this key.
    static var resource: String { get }
    /// nil until the server (or the caller) assigns one.
    var id: String? { get set }
    /// The object without join entries pointing back at it, which DHIS2 refuses in a PUT.
    func strippingInverseReferences() -> Self
}

extension TrackerSchemaObject {
    public func strippingInverseReferences() -> Self { self }
}

extension Optional {
    /// A join list with each entry's inverse reference cleared (`strippingInverseReferences`).
    func clearing<Entry>(_ inverse: WritableKeyPath<Entry, MetadataReference?>) -> [Entry]? where Wrapped == [Entry] {
        self?.map { entry in
            var entry = entry
            entry[keyPath: inverse] = nil
            return entry
        }
    }
}
