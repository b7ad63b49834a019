import DHIS2Periods
import Hummingbird
import JSONStream
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A simulated DHIS2 server running in-process on Hummingbird.
///
/// ```swift
/// var configuration = SimulatorConfiguration()
/// configuration.seed = 42
/// let simulator = try await DHIS2Simulator.start(configuration, logger: logger)
/// // … talk to simulator.baseURL …
/// await simulator.stop()
/// ```
public final class DHIS2Simulator: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    let core: SimulatorCore
    private let server: InProcessServer
    public let host: String

    private init(core: SimulatorCore, server: InProcessServer, host: String) {
        self.core = core
        self.server = server
        self.host = host
    }

    /// The bound port (the ephemeral one when the configuration asked for 0).
    public var port: Int { server.port }

    /// `http://host:port`, without a trailing slash.
    public var baseURL: String { "http://\(host):\(port)" }

    public var configuration: SimulatorConfiguration { core.configuration }

    /// The metadata the simulator serves.
    public var metadata: SimulatorMetadata { core.store.metadata }

    /// Builds the metadata and value space, binds the port and returns once the server accepts connections.
    public static func start(_ configuration: SimulatorConfiguration, logger: Logger) async throws -> DHIS2Simulator {
        let core = try makeCore(configuration, logger: logger)
        let server = try await InProcessServer.start(
            SimulatorResponder(core: core),
            host: configuration.host,
            port: configuration.port,
            logger: logger
        )
        logger.info(
            "simulator started",
            metadata: [
                "port": "\(server.port)", "version": "\(configuration.version)", "seed": "\(configuration.seed)",
                "values": "\(core.store.space.count)",
            ]
        )
        return DHIS2Simulator(core: core, server: server, host: configuration.host)
    }

    static func makeCore(_ configuration: SimulatorConfiguration, logger: Logger) throws -> SimulatorCore {
        let metadata: SimulatorMetadata
        if let path = configuration.metadataFile {
            let bytes = try readFile(path)
            let document: JSONValue
            do {
                document = try JSONValue.parse(bytes)
            } catch {
                throw StartError(description: "\(path) is not valid JSON: \(error)")
            }
            metadata = try MetadataLoader(seed: configuration.seed, size: configuration.hierarchy).load(document)
        } else {
            metadata = MetadataGenerator(seed: configuration.seed, size: configuration.hierarchy).generate()
        }
        let referenceDay: Int
        if let text = configuration.referenceDate {
            guard let date = CalendarDate(iso: text) else {
                throw StartError(description: "reference date '\(text)' is not yyyy-MM-dd")
            }
            referenceDay = date.daysSinceEpoch
        } else {
            referenceDay = Timestamp.now().daysSinceEpoch
        }
        var integrityChecks = IntegrityCheck.builtIn
        if let directory = configuration.integrityChecksDirectory {
            do {
                integrityChecks = try IntegrityCheckYAML.load(directory: directory)
            } catch {
                throw StartError(description: "cannot load the data integrity checks: \(error)")
            }
        }
        return SimulatorCore(
            configuration: configuration,
            metadata: metadata,
            referenceDay: referenceDay,
            integrityChecks: integrityChecks,
            logger: logger
        )
    }

    /// Stops accepting connections and waits for the server to wind down.
    public func stop() async {
        await server.stop()
    }

    // MARK: - Fault injection

    /// Adds a fault (see ``Fault``); faults apply in the order added.
    public func inject(_ fault: Fault) {
        core.faults.add(fault)
    }

    public func clearFaults() {
        core.faults.clear()
    }

    /// Makes imports refuse values of these data elements (UIDs or codes) with E7610, as if the destination
    /// lacked them; an empty set is the metadata fixed. Later imports only; one in progress keeps its set.
    public func setMissingDataElements(_ names: Set<String>) {
        let indexes = SimulatorCore.indexes(of: names, in: core.store.metadata)
        core.missingDataElements.withLock { $0 = indexes }
    }

    /// The faults not yet used up.
    public var activeFaults: [Fault] { core.faults.active }

    /// Makes the next job of `jobType` (e.g. `ANALYTICS_TABLE`, `DATA_INTEGRITY`) fail part-way: its last
    /// notification is `level: ERROR`, `completed: true`, with `Process failed: <message>`.
    public func failNextJob(_ jobType: String, message: String = "Simulated failure") {
        core.tasks.failNext(type: jobType, message: message)
    }

    // MARK: - Approvals

    /// Approves `dataSet` for a period, org unit (and so its subtree) and attribute option combo (nil: the
    /// default), all by UID; imports touching it are then refused with E7642. False when an id is unknown.
    @discardableResult
    public func approve(dataSet: String, period: String, orgUnit: String, aoc: String? = nil) -> Bool {
        guard let key = approvalKey(dataSet: dataSet, period: period, orgUnit: orgUnit, aoc: aoc) else { return false }
        core.approvals.approve(key)
        return true
    }

    /// Withdraws an approval made by ``approve(dataSet:period:orgUnit:aoc:)``.
    public func unapprove(dataSet: String, period: String, orgUnit: String, aoc: String? = nil) {
        if let key = approvalKey(dataSet: dataSet, period: period, orgUnit: orgUnit, aoc: aoc) {
            core.approvals.unapprove(key)
        }
    }

    private func approvalKey(dataSet: String, period: String, orgUnit: String, aoc: String?) -> ApprovalStore.Key? {
        let metadata = core.store.metadata
        guard let set = metadata.dataSet(dataSet, .uid), let unit = metadata.orgUnit(orgUnit, .uid),
            let parsed = Period.parse(period, on: core.version),
            let combo = aoc.map({ metadata.optionCombo($0, .uid) }) ?? metadata.defaultOptionCombo
        else { return nil }
        return ApprovalStore.Key(dataSet: set, period: parsed.id, orgUnit: unit, attributeOptionCombo: combo)
    }

    // MARK: - Inspection

    /// Every request served so far.
    public var requestLog: [RequestLogEntry] { core.log.all }

    public func clearRequestLog() {
        core.log.clear()
    }

    /// Number of pristine (generated) values, soft-deleted ones included.
    public var generatedValueCount: Int { core.store.space.count }

    /// The rows written or deleted through imports, soft-deleted ones included, in export layout (UIDs).
    public func writtenValues() -> [DataValue] {
        let state = core.store.snapshot()
        return state.overlay.map { render($0.key, $0.value.stored, state: state) }
    }

    /// The current row for a key given by UIDs (nil when none exists); soft-deleted rows have `deleted == true`.
    public func storedValue(
        dataElement: String,
        period: String,
        orgUnit: String,
        categoryOptionCombo: String? = nil,
        attributeOptionCombo: String? = nil
    ) -> DataValue? {
        let metadata = core.store.metadata
        guard let element = metadata.dataElement(dataElement, .uid), let unit = metadata.orgUnit(orgUnit, .uid),
            let parsed = Period.parse(period, on: core.version)
        else { return nil }
        let combo = categoryOptionCombo.map { metadata.optionCombo($0, .uid) } ?? metadata.defaultOptionCombo
        let attribute = attributeOptionCombo.map { metadata.optionCombo($0, .uid) } ?? metadata.defaultOptionCombo
        guard let combo, let attribute else { return nil }
        let state = core.store.snapshot()
        guard let periodIndex = state.periods.lookup(parsed.id) else { return nil }
        let key = ValueKey(
            dataElement: Int32(element),
            period: periodIndex,
            orgUnit: Int32(unit),
            optionCombo: Int32(combo),
            attributeOptionCombo: Int32(attribute)
        )
        return core.store.row(at: key, in: state).map { render(key, $0, state: state) }
    }

    /// All current rows (generated and written, soft-deleted included), one at a time, without materialising
    /// them; returns the number visited.
    @discardableResult
    public func forEachValue(_ body: (DataValue) throws -> Void) rethrows -> Int {
        let state = core.store.snapshot()
        let space = core.store.space
        var visited = 0
        for index in 0..<space.count {
            let key = space.key(ofValue: index)
            let slotIndex = Int(key % UInt64(space.slots.count))
            let position = Int(key / UInt64(space.slots.count))
            guard space.isAssigned(slot: slotIndex, unitPosition: position) else { continue }
            let slot = space.slots[slotIndex]
            let valueKey = ValueKey(
                dataElement: slot.dataElement,
                period: slot.period,
                orgUnit: space.units[position],
                optionCombo: slot.optionCombo,
                attributeOptionCombo: slot.attributeOptionCombo
            )
            let row = state.overlay[valueKey]?.stored ?? core.store.pristineContent(key, periods: state.periods)
            try body(render(valueKey, row, state: state))
            visited += 1
        }
        for (key, entry) in state.overlay where !entry.shadowsPristine {
            try body(render(key, entry.stored, state: state))
            visited += 1
        }
        return visited
    }

    private func render(_ key: ValueKey, _ row: StoredValue, state: DataStore.State) -> DataValue {
        let metadata = core.store.metadata
        let modern = core.version.usesDataEntryRewrite
        return DataValue(
            dataElement: metadata.dataElements[Int(key.dataElement)].identity.id,
            period: state.periods[key.period].id,
            orgUnit: metadata.organisationUnits[Int(key.orgUnit)].identity.id,
            categoryOptionCombo: metadata.categoryOptionCombos[Int(key.optionCombo)].identity.id,
            attributeOptionCombo: metadata.categoryOptionCombos[Int(key.attributeOptionCombo)].identity.id,
            value: row.value,
            storedBy: row.storedBy,
            created: modern ? row.created.isoNoZone : row.created.isoGMT,
            lastUpdated: modern ? row.lastUpdated.isoNoZone : row.lastUpdated.isoGMT,
            comment: row.comment,
            followup: row.followup,
            deleted: row.deleted ? true : nil
        )
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw StartError(description: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}
