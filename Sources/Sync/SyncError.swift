/// An error of the sync engine, with a stable code and one line for the operator.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// schema.sql is malformed, or the database does not match it.
        public static let schema = Code("schema")
        /// The database's schema is newer than this binary.
        public static let schemaTooNew = Code("schema_too_new")
        /// An applied migration was edited after it shipped.
        public static let schemaModified = Code("schema_modified")
        /// Input named something that does not exist or is malformed.
        public static let invalidInput = Code("invalid_input")
        /// Another process holds the lock on this pair.
        public static let locked = Code("locked")
        /// A pair's first run refused because the destination's metadata cannot take its values.
        public static let preflight = Code("preflight")

        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
