import Logging
import Synchronization

/// The state shared by all requests of one simulator.
final class SimulatorCore: Sendable {
    let configuration: SimulatorConfiguration
    let store: DataStore
    let trackerSchema: TrackerSchemaStore
    let tasks: TaskRegistry
    let integrity = IntegrityStore()
    /// The checks `GET /api/dataIntegrity` lists: the built-in ones, or those loaded from YAML definitions.
    let integrityChecks: [IntegrityCheck]
    let faults = FaultInjector()
    let log = RequestLog()
    let authenticator: Authenticator
    let logger: Logger
    let startedAt = Timestamp.now()
    let systemID: String
    let userID: String
    /// Indexes of the data elements imports refuse (E7610): `configuration.missingDataElements` at start,
    /// changed by tests through `DHIS2Simulator.setMissingDataElements`.
    let missingDataElements: Mutex<Set<Int>>
    /// Write access and data entry rules, resolved to indexes.
    let importRules: ImportRules
    let approvals = ApprovalStore()

    init(
        configuration: SimulatorConfiguration,
        metadata: SimulatorMetadata,
        referenceDay: Int,
        integrityChecks: [IntegrityCheck] = IntegrityCheck.builtIn,
        logger: Logger
    ) {
        self.configuration = configuration
        self.integrityChecks = integrityChecks
        self.logger = logger
        store = DataStore(
            metadata: metadata,
            seed: configuration.seed,
            valueCount: configuration.empty ? 0 : configuration.valueCount,
            referenceDay: referenceDay,
            years: configuration.yearsOfData
        )
        missingDataElements = Mutex(Self.indexes(of: configuration.missingDataElements, in: metadata))
        trackerSchema = TrackerSchemaStore(metadata: metadata, seed: configuration.seed)
        tasks = TaskRegistry(seed: configuration.seed)
        authenticator = Authenticator(
            username: configuration.username,
            password: configuration.password,
            apiToken: configuration.apiToken
        )
        var generator = SplitMix64.stream(seed: configuration.seed, label: "system")
        systemID = UID.generate(using: &generator)
        userID = UID.generate(using: &generator)
        importRules = ImportRules(
            configuration.writeAccess,
            configuration.dataEntryRules,
            metadata: metadata,
            userID: userID
        )
    }

    var version: ServerVersion { configuration.version }

    /// The indexes of the data elements named by UID or code.
    static func indexes(of names: Set<String>, in metadata: SimulatorMetadata) -> Set<Int> {
        Set(
            metadata.dataElements.indices.filter { index in
                let identity = metadata.dataElements[index].identity
                return names.contains(identity.id) || identity.code.map(names.contains) == true
            }
        )
    }
}
