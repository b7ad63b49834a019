import Logging

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
    /// Indexes of `configuration.missingDataElements`.
    let missingDataElements: Set<Int>
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
        missingDataElements = Set(
            metadata.dataElements.indices.filter { index in
                let identity = metadata.dataElements[index].identity
                return configuration.missingDataElements.contains(identity.id)
                    || identity.code.map(configuration.missingDataElements.contains) == true
            }
        )
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
}
