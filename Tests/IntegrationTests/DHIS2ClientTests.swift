import Foundation
import Curl
import DHIS2
import DHIS2Simulator
import JSONStream
import Logging
import Testing

/// The shared client against the simulator over real HTTP.
@Suite("DHIS2 client against the simulator")
struct DHIS2ClientTests {
    static let logger = Logger(label: "test.dhis2-client")

    /// A started simulator, an HTTP client and a DHIS2 client for it; everything stops afterwards.
    static func withClient<R: Sendable>(
        version: ServerVersion = .v2_40,
        password: String = "district",
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (DHIS2Client, DHIS2Simulator) async throws -> R
    ) async throws -> R {
        var configuration = SimulatorConfiguration()
        configuration.version = version
        configuration.seed = 11
        configuration.valueCount = 100
        configuration.hierarchy = .init(regions: 3, districtsPerRegion: 4, facilitiesPerDistrict: 5)
        configure(&configuration)
        let simulator = try await DHIS2Simulator.start(configuration, logger: logger)
        let http = HTTPClient(logger: logger)
        let instance = try DHIS2Instance(
            name: "sim",
            baseURL: simulator.baseURL + "/",
            authentication: .basic(username: "admin", password: try CredentialReference(parsing: "env:SIM_PASSWORD"))
        )
        let client = DHIS2Client(
            instance: instance,
            http: http,
            logger: logger,
            environment: ["SIM_PASSWORD": password]
        )
        do {
            let result = try await body(client, simulator)
            await http.shutdown()
            await simulator.stop()
            return result
        } catch {
            await http.shutdown()
            await simulator.stop()
            throw error
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func systemInfoAndCurrentUser(version: ServerVersion) async throws {
        try await Self.withClient(version: version) { client, _ in
            let info = try await client.systemInfo()
            #expect(info.version != nil)
            #expect(info.version! >= DHIS2Version(2, 40))
            #expect(info.serverDate != nil)
            let user = try await client.currentUser()
            #expect(user.username == "admin")
            #expect(try await client.ping())
        }
    }

    @Test func wrongPasswordIsUnauthenticatedWithoutTheSecret() async throws {
        try await Self.withClient(password: "not-district-\(UInt32.random(in: 0...9999))") { client, _ in
            let error = await #expect(throws: DHIS2Error.self) { try await client.systemInfo() }
            #expect(error?.code == .unauthenticated)
            #expect(error?.httpStatus == 401)
            #expect(error?.description.contains("not-district") == false)
        }
    }

    @Test func listsReadEveryPage() async throws {
        try await Self.withClient { client, simulator in
            let expected = simulator.metadata.organisationUnits.filter { $0.level == 4 }.count
            #expect(expected == 60)
            // A page size far below the total forces the pager to be followed.
            let units: [DHIS2.OrganisationUnit] = try await client.list(
                "organisationUnits",
                fields: "id,name,code,path,level,parent[id]",
                filters: ["level:eq:4"],
                pageSize: 7
            )
            #expect(units.count == expected)
            #expect(Set(units.map(\.id)).count == expected)
            #expect(units.allSatisfy { $0.level == 4 && $0.parent != nil && $0.path.hasSuffix($0.id) })
        }
    }

    @Test func orgUnitsUnderRoots() async throws {
        try await Self.withClient { client, simulator in
            let regions = simulator.metadata.organisationUnits.filter { $0.level == 2 }
            let roots = regions.prefix(2).map(\.identity.id)
            let districts = try await client.organisationUnits(level: 3, under: roots)
            #expect(districts.count == 8)
            #expect(districts.allSatisfy { unit in roots.contains { unit.path.contains($0) } })
            let all = try await client.organisationUnits(level: 3)
            #expect(all.count == 12)
            let dataSets = try await client.dataSets()
            #expect(dataSets.count == simulator.metadata.dataSets.count)
            #expect(Set(dataSets.map(\.periodType)).contains("Monthly"))
        }
    }

    @Test func instanceURLsAreValidated() throws {
        let auth = DHIS2Authentication.token(try CredentialReference(parsing: "env:T"))
        #expect(
            try DHIS2Instance(name: "a", baseURL: "https://h.example/dhis//", authentication: auth).baseURL
                == "https://h.example/dhis"
        )
        for bad in ["ftp://h", "https://", "https://admin:district@h.example", "https://h?x=1", "h.example"] {
            #expect(throws: DHIS2Error.self, "\(bad)") {
                try DHIS2Instance(name: "a", baseURL: bad, authentication: auth)
            }
        }
    }
}

@Suite("Data values through the client and the simulator")
struct DHIS2ClientDataValueTests {
    static let logger = Logger(label: "test.dhis2-data")

    struct Pair: Sendable {
        var source: DHIS2Client
        var destination: DHIS2Client
        var sourceSimulator: DHIS2Simulator
        var destinationSimulator: DHIS2Simulator
    }

    /// Two simulators with the same seed (so the same metadata): a full source and an empty destination.
    static func withPair<R: Sendable>(
        version: ServerVersion = .v2_40,
        values: Int = 3_000,
        _ body: (Pair) async throws -> R
    ) async throws -> R {
        func configuration(empty: Bool) -> SimulatorConfiguration {
            var configuration = SimulatorConfiguration()
            configuration.version = version
            configuration.seed = 21
            configuration.valueCount = values
            configuration.empty = empty
            configuration.jobDelay = .milliseconds(5)
            configuration.hierarchy = .init(regions: 2, districtsPerRegion: 3, facilitiesPerDistrict: 4)
            return configuration
        }
        let source = try await DHIS2Simulator.start(configuration(empty: false), logger: logger)
        let destination = try await DHIS2Simulator.start(configuration(empty: true), logger: logger)
        let http = HTTPClient(logger: logger)
        let auth = DHIS2Authentication.basic(username: "admin", password: try CredentialReference(parsing: "env:PW"))
        func client(_ name: String, _ simulator: DHIS2Simulator) throws -> DHIS2Client {
            DHIS2Client(
                instance: try DHIS2Instance(name: name, baseURL: simulator.baseURL, authentication: auth),
                http: http,
                logger: logger,
                environment: ["PW": "district"]
            )
        }
        let pair = Pair(
            source: try client("source", source),
            destination: try client("destination", destination),
            sourceSimulator: source,
            destinationSimulator: destination
        )
        defer {
            Task {
                await http.shutdown()
                await source.stop()
                await destination.stop()
            }
        }
        return try await body(pair)
    }

    /// Everything the simulator holds for every data set, as key → value text.
    static func everything(_ client: DHIS2Client, dataSets: [String], root: String) async throws -> [String: String] {
        var query = DataValueQuery()
        query.dataSets = dataSets
        query.orgUnits = [root]
        query.children = true
        query.startDate = "1990-01-01"
        query.endDate = "2040-12-31"
        var values: [String: String] = [:]
        try await client.exportDataValues(query) { batch in
            for value in batch {
                let key = [
                    value.dataElement, value.period, value.orgUnit, value.categoryOptionCombo,
                    value.attributeOptionCombo,
                ].map { $0 ?? "-" }.joined(separator: "/")
                values[key] = (value.value ?? "") + "|" + (value.comment ?? "")
            }
        }
        return values
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func exportThenImportReproducesTheSource(version: ServerVersion) async throws {
        try await Self.withPair(version: version) { pair in
            let dataSets = pair.sourceSimulator.metadata.dataSets.map(\.identity.id)
            let root = try #require(pair.sourceSimulator.metadata.organisationUnits.first { $0.level == 1 }).identity.id
            let before = try await Self.everything(pair.source, dataSets: dataSets, root: root)
            #expect(before.count > 100)

            // Per data set, as the engine does: export, then import the values in one batch each.
            var imported = ImportCount()
            for dataSet in dataSets {
                var query = DataValueQuery()
                query.dataSets = [dataSet]
                query.orgUnits = [root]
                query.children = true
                query.startDate = "1990-01-01"
                query.endDate = "2040-12-31"
                var values: [DataValue] = []
                try await pair.source.exportDataValues(query) { values += $0 }
                guard !values.isEmpty else { continue }
                var header = DataValueSetHeader()
                header.dataSet = dataSet
                let summary = try await pair.destination.importDataValues(
                    values,
                    header: header,
                    omitting: [.created, .lastUpdated]
                )
                #expect(summary.conflicts.isEmpty, "\(summary.conflictRows.prefix(3))")
                imported = imported + summary.importCount
            }
            #expect(imported.imported + imported.updated >= before.count)
            let after = try await Self.everything(pair.destination, dataSets: dataSets, root: root)
            #expect(after == before)
        }
    }

    /// Every value of a simulator: all data sets, the whole tree, any period.
    static func everything(_ simulator: DHIS2Simulator) throws -> DataValueQuery {
        var query = DataValueQuery()
        query.dataSets = simulator.metadata.dataSets.map(\.identity.id)
        query.orgUnits = [try #require(simulator.metadata.organisationUnits.first).identity.id]
        query.children = true
        query.startDate = "1990-01-01"
        query.endDate = "2040-12-31"
        return query
    }

    @Test func truncatedExportIsAnErrorNotAShortSuccess() async throws {
        try await Self.withPair { pair in
            pair.sourceSimulator.inject(Fault(.truncateExport(afterValues: 25), path: "/api/dataValueSets"))
            var query = try Self.everything(pair.sourceSimulator)
            var seen = 0
            let error = await #expect(throws: DHIS2Error.self) {
                try await pair.source.exportDataValues(query) { seen += $0.count }
            }
            #expect(error?.code == .truncated)
            #expect(seen == 25)

            // `limit` is exact too, and that export is complete JSON.
            query.limit = 10
            var limited = 0
            let export = try await pair.source.exportDataValues(query) { limited += $0.count }
            #expect(limited == 10)
            #expect(export.valueCount == 10)
        }
    }

    @Test func exportAsAnAsyncSequenceIsLazyCompleteAndNeverShort() async throws {
        try await Self.withPair { pair in
            var query = try Self.everything(pair.sourceSimulator)
            query.includeDeleted = true
            var viaCallback: [DataValue] = []
            try await pair.source.exportDataValues(query) { viaCallback += $0 }
            #expect(viaCallback.count > 100)

            // Nothing is sent before the first value is asked for.
            pair.sourceSimulator.clearRequestLog()
            let values = pair.source.dataValues(query)
            #expect(pair.sourceSimulator.requestLog.isEmpty)
            var viaSequence: [DataValue] = []
            for try await value in values { viaSequence.append(value) }
            #expect(viaSequence == viaCallback)

            // Stopping early is fine, and the client goes on working.
            var firstFive: [DataValue] = []
            for try await value in pair.source.dataValues(query) {
                firstFive.append(value)
                if firstFive.count == 5 { break }
            }
            #expect(firstFive == Array(viaCallback.prefix(5)))

            // A cut body: the values before the cut, then the truncation error, never a clean end.
            pair.sourceSimulator.inject(Fault(.truncateExport(afterValues: 25), path: "/api/dataValueSets"))
            var seen = 0
            let error = await #expect(throws: DHIS2Error.self) {
                for try await _ in pair.source.dataValues(query) { seen += 1 }
            }
            #expect(error?.code == .truncated)
            #expect(seen == 25)
        }
    }

    @Test func invalidQueriesAreRefusedBeforeSending() async throws {
        try await Self.withPair(values: 10) { pair in
            var query = DataValueQuery()
            query.dataSets = ["BfMAe6Itzgt"]
            query.orgUnits = ["ImspTQPwCqd"]
            let error = await #expect(throws: DHIS2Error.self) {
                try await pair.source.exportDataValues(query) { _ in }
            }
            #expect(error?.code == .badRequest)
            #expect(error?.description.contains("periods, start/end dates or a lastUpdated bound") == true)
            #expect(pair.sourceSimulator.requestLog.allSatisfy { !$0.path.contains("dataValueSets") })
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func rejectedValuesComeBackAsConflictRows(version: ServerVersion) async throws {
        try await Self.withPair(version: version, values: 10) { pair in
            let metadata = pair.destinationSimulator.metadata
            let dataSet = try #require(metadata.dataSets.first { $0.periodType == "Monthly" })
            let element = metadata.dataElements[dataSet.elements[0].dataElement]
            let facility = metadata.organisationUnits[try #require(dataSet.organisationUnits.last)]
            let good = DataValue(
                dataElement: element.identity.id,
                period: "202401",
                orgUnit: facility.identity.id,
                value: "5"
            )
            let bad = DataValue(dataElement: "NoSuchDE001", period: "202401", orgUnit: facility.identity.id, value: "7")
            var header = DataValueSetHeader()
            header.dataSet = dataSet.identity.id
            var options = DataValueImportOptions()
            for async in [false, true] {
                options.async = async
                options.pollInterval = .milliseconds(20)
                let summary = try await pair.destination.importDataValues(
                    [good, bad],
                    header: header,
                    options: options
                )
                #expect(summary.status == .warning)
                #expect(!summary.committedNothing)
                #expect(summary.conflictRows.count == 1, "\(summary.conflictRows)")
                let row = try #require(summary.conflictRows.first { $0.errorCode == "E7610" })
                #expect(row.uid == "NoSuchDE001")
                #expect(row.indexes == [1])
                #expect(summary.rejectedIndexes == [1])
            }
        }
    }

    @Test func aRealMetadataExportReadsThroughTheClient() async throws {
        // shared/ sits beside the repository, locally and in CI.
        let fixture = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/fixtures/dhis2-core/aggregate/metadata.json")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any]
        )
        func ids(_ key: String) -> Set<String> {
            Set((document[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        }
        let expectedSets = Set(
            (document["dataSets"] as? [[String: Any]] ?? []).compactMap { set -> String? in
                guard let id = set["id"] as? String, let type = set["periodType"] as? String else { return nil }
                return "\(id) \(type)"
            }
        )
        #expect(expectedSets.count == 2)
        let load: (inout SimulatorConfiguration) -> Void = { $0.metadataFile = fixture.path }
        try await DHIS2ClientTests.withClient(configure: load) { client, _ in
            let sets = try await client.dataSets()
            #expect(Set(sets.map { "\($0.id) \($0.periodType)" }) == expectedSets)
            struct Named: Decodable { var id: String }
            // A small page size makes the client walk the pager: 75 elements are 8 pages.
            let elements = try await client.list("dataElements", as: Named.self, fields: "id", pageSize: 10)
            #expect(Set(elements.map(\.id)) == ids("dataElements"))
            #expect(elements.count == 75)
            let combos = try await client.list("categoryOptionCombos", as: Named.self, fields: "id")
            #expect(ids("categoryOptionCombos").isSubset(of: Set(combos.map(\.id))))

            // The typed readers agree with the export.
            let typedElements = try await client.dataElements()
            #expect(Set(typedElements.map(\.id)) == ids("dataElements"))
            #expect(typedElements.allSatisfy { $0.valueType != nil && $0.categoryCombo != nil })
            let typedCombos = try await client.categoryCombos()
            #expect(ids("categoryCombos").isSubset(of: Set(typedCombos.map(\.id))))
            let defaultCombo = try await client.defaultCategoryCombo()
            #expect(defaultCombo?.name == "default")
            #expect(defaultCombo.map { typedCombos.contains($0) } == true)
            let cocs = try await client.categoryOptionCombos()
            #expect(ids("categoryOptionCombos").isSubset(of: Set(cocs.map(\.id))))
            let comboOfCOC = Dictionary(uniqueKeysWithValues: cocs.map { ($0.id, $0.categoryCombo?.id) })
            for combo in typedCombos {
                for coc in combo.categoryOptionCombos ?? [] { #expect(comboOfCOC[coc.id] == combo.id) }
            }
            let members = try await client.dataSetMembers()
            let fixtureSets = document["dataSets"] as? [[String: Any]] ?? []
            for set in fixtureSets {
                let id = set["id"] as? String ?? ""
                let expected = Set(
                    (set["dataSetElements"] as? [[String: Any]] ?? []).compactMap {
                        ($0["dataElement"] as? [String: Any])?["id"] as? String
                    }
                )
                let found = try #require(members.first { $0.id == id })
                #expect(Set(found.dataSetElements.map(\.dataElement.id)) == expected)
                #expect(!expected.isEmpty)
            }
        }
    }
}
