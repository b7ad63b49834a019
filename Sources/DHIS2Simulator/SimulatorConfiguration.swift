/// Everything that defines one simulated DHIS2 instance.
///
/// Two simulators with the same `seed` and `size` share every metadata UID and code, so a seeded source and
/// an `empty` destination can be synchronised against each other.
public struct SimulatorConfiguration: Sendable {
    /// Interface to bind; tests use the loopback address.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks an ephemeral port (see `DHIS2Simulator.port`).
    public var port = 0
    public var version = ServerVersion.v2_40
    public var seed: UInt64 = 1
    /// Number of pristine data values generated from the seed (ignored when `empty`).
    public var valueCount = 10_000
    /// Start without any data values (metadata only).
    public var empty = false
    public var username = "admin"
    public var password = "district"
    /// When set, `Authorization: ApiToken <token>` is accepted too.
    public var apiToken: String?
    /// A DHIS2 metadata export to load instead of generating metadata.
    public var metadataFile: String?
    /// Shape of the generated org unit hierarchy.
    public var hierarchy = HierarchySize()
    /// The "today" of the generated data: values exist for periods that ended before it. Nil means the real
    /// current date at start-up; tests pin it so the value set does not depend on the day they run.
    public var referenceDate: String?
    /// Number of years of periods before `referenceDate` that carry generated values.
    public var yearsOfData = 2
    /// Delay added to every request (fault injection).
    public var latency: Duration?
    /// Seconds an asynchronous job takes per 10 000 values, so pollers see it running.
    public var jobDelay: Duration = .milliseconds(50)
    /// Where the system info claims the server lives.
    public var systemName = "DHIS2 Simulator"
    /// Data elements (UIDs or codes) this instance does not have: imports naming them get E7610, as on a
    /// destination whose metadata lags the source's (the ledger's most common real-world conflict).
    public var missingDataElements: Set<String> = []
    /// What the simulated user may read (data value exports, E2010–E2012). Defaults: everything.
    public var readAccess = ReadAccess()
    /// What the simulated user may write (data value imports, E7601/E7614/E7616/E7617). Defaults: everything.
    public var writeAccess = WriteAccess()
    /// Metadata rules behind the period and org unit constraints of imports (E7621, E7638–E7644).
    public var dataEntryRules = DataEntryRules()

    /// A user's read limits, by UID: data sets and attribute option combos shared without read access,
    /// and the roots of the data-view hierarchy (nil: the whole tree).
    public struct ReadAccess: Sendable, Hashable {
        public var unreadableDataSets: Set<String> = []
        public var unreadableAttributeOptionCombos: Set<String> = []
        public var dataViewRoots: [String]?

        public init() {}
    }
    /// A folder of DHIS2 data integrity check definitions (`data-integrity-checks/**/*.yaml`) to list instead
    /// of the simulator's own checks.
    public var integrityChecksDirectory: String?
    /// Data integrity checks (by name) whose runs fail, as a check with broken SQL does: `count: -1` and an
    /// `error`.
    public var failingIntegrityChecks: Set<String> = []
    /// When set, a failed job's notifications are cleared this long after its ERROR notification, as 2.44 does
    /// (after about a second): pollers must take the failure the first time they see it.
    public var failedJobFeedLifetime: Duration?

    public init() {}

    /// Counts of the 4-level org unit tree (country → regions → districts → facilities).
    public struct HierarchySize: Sendable, Hashable {
        public var regions: Int
        public var districtsPerRegion: Int
        public var facilitiesPerDistrict: Int

        public init(regions: Int = 4, districtsPerRegion: Int = 3, facilitiesPerDistrict: Int = 5) {
            self.regions = regions
            self.districtsPerRegion = districtsPerRegion
            self.facilitiesPerDistrict = facilitiesPerDistrict
        }

        /// A hierarchy with at least `facilities` facilities, shaped like a mid-sized country.
        public static func facilities(_ facilities: Int) -> HierarchySize {
            let regions = max(1, min(16, Int(Double(facilities).squareRoot() / 8)))
            let districts = max(1, min(12, facilities / (regions * 20)))
            let perDistrict = max(1, (facilities + regions * districts - 1) / (regions * districts))
            return HierarchySize(regions: regions, districtsPerRegion: districts, facilitiesPerDistrict: perDistrict)
        }

        public var facilityCount: Int { regions * districtsPerRegion * facilitiesPerDistrict }
    }
}
