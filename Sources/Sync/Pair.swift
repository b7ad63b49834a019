import DHIS2

/// An integration pair: what is copied from a source instance to a destination instance, and how.
public struct Pair: Sendable, Hashable {
    /// What a value deleted at the source does at the destination.
    public enum DeletionPolicy: String, Sendable, CaseIterable {
        /// Forward the soft-deleted row inline, so the destination deletes it too.
        case propagate
        /// Leave the destination's value alone.
        case ignore
    }

    /// How data elements, org units and combos are named on the wire between the two instances.
    public enum IDScheme: String, Sendable, CaseIterable {
        case uid = "UID"
        case code = "CODE"
    }

    public var id: Int
    public var name: String
    public var source: DHIS2Instance
    public var destination: DHIS2Instance
    /// Data is read per org unit at this level, with `children=true`.
    public var orgUnitLevel: Int
    /// Only org units under these roots; empty means the whole hierarchy.
    public var rootOrgUnits: [String]
    /// Only these data sets; empty means every data set of the source.
    public var dataSetFilter: [String]
    public var includeDeleted: Bool
    public var deletionPolicy: DeletionPolicy
    public var idScheme: IDScheme
    public var batchSize: Int
    /// Middleware mode: batches go to this URL instead of the destination.
    public var viaURL: String?
    /// How posts to ``viaURL`` authenticate (a token is sent as `Bearer`); nil: no `Authorization` header.
    public var viaAuthentication: DHIS2Authentication?
    public var enabled: Bool
    /// Refresh the destination's analytics tables once after a run that changed data there.
    public var refreshAnalytics = false

    /// What `pair add` asks for; the database assigns the id.
    public struct Definition: Sendable, Hashable {
        public var name: String
        public var source: String
        public var destination: String
        public var orgUnitLevel = 3
        public var rootOrgUnits: [String] = []
        public var dataSetFilter: [String] = []
        public var includeDeleted = false
        public var deletionPolicy = DeletionPolicy.propagate
        public var idScheme = IDScheme.uid
        public var batchSize = Pair.defaultBatchSize
        public var viaURL: String?
        public var viaAuthentication: DHIS2Authentication?
        public var refreshAnalytics = false

        public init(name: String, source: String, destination: String) {
            self.name = name
            self.source = source
            self.destination = destination
        }
    }

    /// Values per import request. Measured with `scripts/bench-sync`: see docs/architecture.md.
    public static let defaultBatchSize = 2000
}
