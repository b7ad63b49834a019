import DHIS2Simulator
import Foundation
import JSONStream
import Postgres
import Sync
import TestSupport
import Testing

/// Pairs between instances that share codes but not UIDs: the CODE id scheme, and UID pairs through
/// mapping tables (suggested, confirmed, imported), with unmapped values quarantined.
@Suite("Id mapping between differently seeded simulators", .enabled(if: TestDatabase.available))
struct MappingTests {
    /// The destination: the source's hierarchy size and codes, other UIDs and names.
    static func destination() -> SimulatorConfiguration {
        var configuration = SyncHarness.destinationConfiguration()
        configuration.seed = 4242
        return configuration
    }

    /// id → code over the objects values name.
    static func codes(_ simulator: DHIS2Simulator) -> [String: String] {
        let metadata = simulator.metadata
        var codes: [String: String] = [:]
        for object in metadata.dataElements { codes[object.identity.id] = object.identity.code }
        for object in metadata.organisationUnits { codes[object.identity.id] = object.identity.code }
        for object in metadata.categoryOptionCombos { codes[object.identity.id] = object.identity.code }
        return codes
    }

    /// The live monthly values of 2024, keyed by codes, so both sides compare although their UIDs differ.
    /// Monthly periods lie inside the year whatever the period type; the few other values are compared
    /// by count only.
    static func monthlyKeys(_ values: [DataValue], codes: [String: String]) -> Set<String> {
        Set(
            values.filter { value in
                value.deleted != true && value.period?.count == 6 && value.period?.hasPrefix("2024") == true
            }.map { value in
                [value.dataElement, value.orgUnit, value.categoryOptionCombo, value.attributeOptionCombo]
                    .map { id in id.flatMap { codes[$0] } ?? "?" }.joined(separator: "/")
                    + " \(value.period ?? "") = \(value.value ?? "null")"
            }
        )
    }

    static func sourceValues(_ harness: SyncHarness) -> [DataValue] {
        var values: [DataValue] = []
        harness.source.forEachValue { values.append($0) }
        return values
    }

    static func cli(
        _ harness: SyncHarness,
        _ arguments: String...
    ) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await TestDatabase.runDetached(
            CLITests.binary,
            arguments,
            environment: [
                "DHIS2_SYNC_DATABASE_URL": TestDatabase.conninfo(harness.databaseConfiguration),
                "DHIS2_SYNC_TEST_SIM_PASSWORD": "district",
            ]
        )
    }

    static func addPair(_ harness: SyncHarness, _ name: String, scheme: Pair.IDScheme) async throws -> Pair {
        var definition = Pair.Definition(name: name, source: "source", destination: "destination")
        definition.includeDeleted = true
        definition.batchSize = 500
        definition.idScheme = scheme
        let store = PairStore(connection: harness.connection)
        try await store.add(definition)
        return try await store.get(name)
    }

    static func run(_ harness: SyncHarness, _ pair: Pair, preflight: Bool = true) async throws -> SyncRunner.Outcome {
        var request = SyncRunner.Request(selection: .year(2024))
        request.preflight = preflight
        return try await harness.runner().run(
            pair,
            request,
            source: harness.sourceClient,
            destination: harness.destinationClient
        )
    }

    static func verify(_ harness: SyncHarness, _ pair: Pair) async throws -> Verifier.Report {
        try await Verifier(catalog: PairCatalog(connection: harness.connection), logger: harness.logger)
            .verify(
                pair,
                SyncRunner.Request(selection: .year(2024)),
                source: harness.sourceClient,
                destination: harness.destinationClient
            )
    }

    @Test func aCodeSchemePairSyncsBetweenInstancesWhoseUIDsDiffer() async throws {
        try await SyncHarness.with(destination: Self.destination()) { harness in
            let sourceCodes = Self.codes(harness.source)
            let destinationCodes = Self.codes(harness.destination)
            // The premise: same codes, different UIDs.
            #expect(Set(sourceCodes.values) == Set(destinationCodes.values))
            #expect(Set(sourceCodes.keys).intersection(destinationCodes.keys) == ["HllvX50cXC0"])

            let pair = try await Self.addPair(harness, "by-code", scheme: .code)
            let outcome = try await Self.run(harness, pair)
            #expect(outcome.state == "done" && outcome.slicesFailed == 0)
            #expect(outcome.counts.conflicts == 0)
            #expect(outcome.counts.imported > 1000)
            let expected = Self.monthlyKeys(Self.sourceValues(harness), codes: sourceCodes)
            let written = harness.destination.writtenValues()
            #expect(expected.count > 1000)
            #expect(Self.monthlyKeys(written, codes: destinationCodes) == expected)
            #expect(written.filter { $0.deleted != true }.count == outcome.counts.imported)
            // verify names the destination's data set and org units by code too, and finds it equal.
            let report = try await Self.verify(harness, pair)
            #expect(report.isEqual, "\(report.samples)")
            #expect(report.matching == outcome.counts.imported && report.unmapped == 0)
        }
    }

    @Test func suggestedMappingsCarryAUIDPairAndUnmappedValuesAreQuarantined() async throws {
        try await SyncHarness.with(destination: Self.destination()) { harness in
            let source = harness.source.metadata
            var result = try await Self.cli(harness, "mapping", "suggest", "--pair", "national")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("dataElement: 15 matched (15 by code), 0 unmatched"), "\(result.stdout)")
            #expect(result.stdout.contains("categoryOptionCombo: 9 matched (1 by uid, 8 by code), 0 unmatched"))
            #expect(result.stdout.contains("attributeOptionCombo: 1 matched (1 by uid), 0 unmatched"))
            #expect(result.stdout.contains("orgUnit: 16 matched (16 by code), 0 unmatched"))
            #expect(result.stdout.contains("dataSet: 8 matched (8 by code), 0 unmatched"))
            let store = MappingStore(connection: harness.connection)
            #expect(try await store.translator(pairID: harness.pair.id).isIdentity)
            // Confirming by source id: an unknown one is an error and confirms nothing.
            let firstDataSet = try #require(source.dataSets.first).identity.id
            result = try await Self.cli(
                harness,
                "mapping",
                "confirm",
                "--pair",
                "national",
                "--kind",
                "dataSet",
                firstDataSet,
                "nowhere"
            )
            #expect(result.status == 1)
            #expect(result.stderr.contains("no mapping with source id nowhere of kind dataSet"), "\(result.stderr)")
            result = try await Self.cli(harness, "mapping", "confirm", "--pair", "national", firstDataSet)
            #expect(result.stdout.contains("1 mapping confirmed"), "\(result.stdout)")
            result = try await Self.cli(harness, "mapping", "confirm", "--pair", "national", "--all")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("48 mappings confirmed"), "\(result.stdout)")
            let confirmed = try await store.list(pairID: harness.pair.id, status: .confirmed)
            #expect(confirmed.count == 49)

            // A second pair maps all but one data element, one facility and one data set, from a CSV file.
            let anc4 = try #require(source.dataElements.first { $0.identity.code == "DE_ANC4" }).identity.id
            let immunisation = try #require(source.dataSets.first { $0.identity.code == "DS_EPI_MONTHLY" })
            let immunisationElements = Set(
                immunisation.elements.map { source.dataElements[$0.dataElement].identity.id }
            )
            let facility = try #require(source.organisationUnits.last { $0.level == 4 }).identity.id
            let partial = try await Self.addPair(harness, "partial", scheme: .uid)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-\(UUID()).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data("kind,source_id,destination_id\ndataElement,abc\n".utf8).write(to: file)
            result = try await Self.cli(harness, "mapping", "import", "--pair", "partial", file.path)
            #expect(result.status == 1)
            #expect(result.stderr.contains("line 2: expected 3 fields"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(try await store.list(pairID: partial.id).isEmpty)
            let rows = confirmed.filter { ![anc4, facility, immunisation.identity.id].contains($0.sourceID) }
                .map { "\($0.kind.rawValue),\($0.sourceID),\($0.destinationID)" }
            try Data((["kind,source_id,destination_id"] + rows).joined(separator: "\n").utf8).write(to: file)
            result = try await Self.cli(harness, "mapping", "import", "--pair", "partial", file.path)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("imported 46 mappings"), "\(result.stdout)")

            let sourceValues = Self.sourceValues(harness)
            let sourceCodes = Self.codes(harness.source)
            let destinationCodes = Self.codes(harness.destination)
            // A dry run reports (in its log) what would be quarantined, and writes nothing.
            var dryRun = SyncRunner.Request(selection: .year(2024))
            dryRun.dryRun = true
            let evaluated = try await harness.runner().run(
                partial,
                dryRun,
                source: harness.sourceClient,
                destination: harness.destinationClient
            )
            #expect(evaluated.state == "done" && evaluated.runID == nil)
            #expect(harness.destination.writtenValues().isEmpty)
            let nothingHeld = try await harness.connection.query("SELECT count(*) FROM quarantine")[0]
                .decode(Int.self, at: 0)
            #expect(nothingHeld == 0)
            // The pair's first run stops at the pre-flight check, which names the same three gaps.
            let refusal = await #expect(throws: SyncError.self) { try await Self.run(harness, partial) }
            #expect(refusal?.code == .preflight)
            for gap in ["1 data sets", "1 data elements", "1 org units"] {
                #expect(
                    refusal?.message.contains("\(gap) without a confirmed mapping") == true,
                    "\(String(describing: refusal))"
                )
            }
            let partialOutcome = try await Self.run(harness, partial, preflight: false)
            #expect(partialOutcome.state == "done" && partialOutcome.counts.conflicts == 0)
            let held = try await harness.connection.query(
                "SELECT reason, count(*), count(DISTINCT data_element), count(DISTINCT org_unit) FROM quarantine "
                    + "WHERE pair_id = $1 AND run_id = $2 GROUP BY reason ORDER BY reason",
                [partial.id, partialOutcome.runID]
            ).map { try $0.decode((String, Int, Int, Int).self) }
            let anc4Values = sourceValues.filter { value in
                value.dataElement == anc4 && value.period?.count == 6 && value.period?.hasPrefix("2024") == true
            }
            #expect(anc4Values.count > 10)
            #expect(held.count == 3, "\(held)")
            #expect(partialOutcome.quarantined == held.map(\.1).reduce(0, +))
            #expect(held.first?.0 == "no mapping for data element \(anc4)")
            #expect(held.first?.1 == anc4Values.count && held.first?.2 == 1)
            // An unmapped data set holds back every value of its slices, whatever else is mapped.
            #expect(held.dropFirst().first?.0 == "no mapping for data set \(immunisation.identity.id)")
            #expect((held.dropFirst().first?.1 ?? 0) > 0 && held.dropFirst().first?.2 == immunisationElements.count)
            #expect(held.last?.0 == "no mapping for org unit \(facility)")
            #expect((held.last?.1 ?? 0) > 0 && held.last?.3 == 1)
            // What was sent is everything else, under the destination's UIDs; the held values are absent.
            let kept = sourceValues.filter {
                $0.dataElement != anc4 && $0.orgUnit != facility && !immunisationElements.contains($0.dataElement ?? "")
            }
            let written = harness.destination.writtenValues()
            #expect(
                Self.monthlyKeys(written, codes: destinationCodes) == Self.monthlyKeys(kept, codes: sourceCodes)
            )
            let destinationIDs = Set(destinationCodes.keys)
            #expect(written.allSatisfy { destinationIDs.contains($0.dataElement ?? "") })
            #expect(written.allSatisfy { destinationIDs.contains($0.orgUnit ?? "") })

            result = try await Self.cli(harness, "status", "--pair", "partial")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout.contains("quarantined in run \(partialOutcome.runID ?? 0): \(held.map(\.1).reduce(0, +))")
            )
            #expect(result.stdout.contains("no mapping for data element \(anc4): \(anc4Values.count)"))

            // The facility mapped by hand, a rerun sends its values: only the rest stays quarantined.
            let facilityCode = try #require(sourceCodes[facility])
            let destinationFacility = try #require(destinationCodes.first { $0.value == facilityCode }).key
            result = try await Self.cli(
                harness,
                "mapping",
                "add",
                "--pair",
                "partial",
                "orgUnit",
                facility,
                destinationFacility
            )
            #expect(result.status == 0, "\(result.stderr)")
            let rerun = try await Self.run(harness, partial)
            #expect(rerun.state == "done" && rerun.counts.conflicts == 0 && rerun.counts.imported > 0)
            let reasons = try await harness.connection.query(
                "SELECT DISTINCT reason FROM quarantine WHERE run_id = $1 ORDER BY 1",
                [rerun.runID]
            ).map { try $0.decode(String.self, at: 0) }
            #expect(reasons == held.dropLast().map(\.0))
            #expect(harness.destination.writtenValues().contains { $0.orgUnit == destinationFacility })
            // verify compares what was sent under the mappings; what has no mapping is not comparable, and
            // keeps the pair from verifying equal.
            let partialReport = try await Self.verify(harness, partial)
            #expect(!partialReport.isEqual && partialReport.unmapped > 0)
            #expect(partialReport.missing == 0 && partialReport.different == 0 && partialReport.extra == 0)
            #expect(partialReport.matching > 1000, "\(partialReport)")

            // The fully mapped pair sends everything; nothing of it is quarantined.
            let outcome = try await Self.run(harness, harness.pair)
            #expect(outcome.state == "done" && outcome.slicesFailed == 0 && outcome.counts.conflicts == 0)
            #expect(
                Self.monthlyKeys(harness.destination.writtenValues(), codes: destinationCodes)
                    == Self.monthlyKeys(sourceValues, codes: sourceCodes)
            )
            let quarantined = try await harness.connection.query(
                "SELECT count(*) FROM quarantine WHERE pair_id = $1",
                [harness.pair.id]
            )[0].decode(Int.self, at: 0)
            #expect(quarantined == 0)
            let nationalReport = try await Self.verify(harness, harness.pair)
            #expect(nationalReport.isEqual && nationalReport.matching > 1000, "\(nationalReport.samples)")
            result = try await Self.cli(harness, "status", "--pair", "national")
            #expect(!result.stdout.contains("quarantined"), "\(result.stdout)")
            result = try await Self.cli(harness, "mapping", "list", "--pair", "national", "--kind", "dataElement")
            #expect(result.stdout.contains("dataElement\t\(anc4)\t"))
            #expect(result.stdout.split(separator: "\n").count == 15)
        }
    }
}
