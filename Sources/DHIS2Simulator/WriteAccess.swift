extension SimulatorConfiguration {
    /// What the simulated user may write (data value imports, reference §2.3). Defaults: a superuser who may
    /// write everything in the whole hierarchy.
    public struct WriteAccess: Sendable, Hashable {
        /// Data sets (UIDs) shared without data write access: an import naming one in its header aborts (E7601).
        public var unwritableDataSets: Set<String> = []
        /// Category options (UIDs) without data write access: a value whose option combo uses one is refused
        /// (E7614 for the category option combo, E7616 for the attribute option combo).
        public var unwritableCategoryOptions: Set<String> = []
        /// The user's data capture org units (UIDs), served by `/api/me` as `organisationUnits`; values for
        /// units outside their subtrees are refused (E7617). Nil: the roots of the hierarchy.
        public var captureRoots: [String]?
        /// Whether the user holds `ALL`. A superuser edits expired periods (no E7640) and may `force` past the
        /// data set checks (E7640–E7644); 2.43 also lets a superuser skip the future-period check.
        public var superuser = true

        public init() {}
    }
}
