import DHIS2Simulator
import Foundation
import Logging
import TestSupport
import Testing

/// `pair check` and the first-run check, against simulators loaded with a real DHIS2 metadata export: the
/// destination's copy has one gap of each kind an operator meets.
@Suite("pre-flight check", .enabled(if: TestDatabase.available))
struct PreflightTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/fixtures/dhis2-core/aggregate/metadata.json").standardized

    /// The fixture with a small hierarchy (country, region, district, three facilities) both data sets
    /// are assigned to.
    static func sourceMetadata() throws -> [String: Any] {
        var metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as! [String: Any]
        let units: [(String, String, String?)] = [
            ("PfCountry01", "Country", nil), ("PfRegion001", "Region", "PfCountry01"),
            ("PfDistrict1", "District", "PfRegion001"), ("PfFacility1", "Clinic One", "PfDistrict1"),
            ("PfFacility2", "Clinic Two", "PfDistrict1"), ("PfFacility3", "Clinic Three", "PfDistrict1"),
        ]
        metadata["organisationUnits"] = units.map { id, name, parent -> [String: Any] in
            var unit: [String: Any] = ["id": id, "name": name, "shortName": name, "openingDate": "2000-01-01"]
            if let parent { unit["parent"] = ["id": parent] }
            return unit
        }
        metadata["dataSets"] = (metadata["dataSets"] as! [[String: Any]]).map { dataSet in
            var dataSet = dataSet
            dataSet["organisationUnits"] = [["id": "PfFacility1"], ["id": "PfFacility2"], ["id": "PfFacility3"]]
            return dataSet
        }
        return metadata
    }

    /// Error lines on stderr (the rest are log lines).
    static func errorLines(_ stderr: String) -> Int {
        stderr.split(separator: "\n").filter { $0.hasPrefix("dhis2-sync: ") }.count
    }

    static func write(_ metadata: [String: Any], _ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-\(UUID().uuidString)-\(name)"
        )
        try JSONSerialization.data(withJSONObject: metadata).write(to: url)
        return url.path
    }

    @Test func pairCheckGroupsEachProblemAndTheFirstRunWaitsForACleanCheck() async throws {
        let source = try Self.sourceMetadata()
        var broken = source
        var dataSets = broken["dataSets"] as! [[String: Any]]
        let annual = dataSets.firstIndex { $0["periodType"] as? String == "Yearly" }!
        let monthly = dataSets.firstIndex { $0["periodType"] as? String == "Monthly" }!
        var annualElements = (dataSets[annual]["dataSetElements"] as! [[String: Any]]).map {
            ($0["dataElement"] as! [String: Any])["id"] as! String
        }
        // 1. A data element the destination does not have at all.
        let gone = annualElements.removeFirst()
        // 2. One it has, but not in this data set.
        let unlisted = annualElements.removeFirst()
        dataSets[annual]["dataSetElements"] = annualElements.map { ["dataElement": ["id": $0]] }
        // 3. Annual periods close 30 days after they end.
        dataSets[annual]["expiryDays"] = 30
        // 4. One facility missing, 5. one not assigned to the monthly data set.
        dataSets[annual]["organisationUnits"] = [["id": "PfFacility1"], ["id": "PfFacility2"]]
        dataSets[monthly]["organisationUnits"] = [["id": "PfFacility1"]]
        broken["dataSets"] = dataSets
        broken["organisationUnits"] = (source["organisationUnits"] as! [[String: Any]]).filter {
            $0["id"] as? String != "PfFacility3"
        }
        let elsewhere = (broken["dataSets"] as! [[String: Any]]).contains { dataSet in
            (dataSet["dataSetElements"] as! [[String: Any]]).contains {
                ($0["dataElement"] as! [String: Any])["id"] as? String == gone
            }
        }
        #expect(!elsewhere, "the removed element must be in the annual data set only")
        broken["dataElements"] = (source["dataElements"] as! [[String: Any]]).filter { $0["id"] as? String != gone }
        // 6. An option combo of the foci classification the destination does not have.
        broken["categoryOptionCombos"] = (source["categoryOptionCombos"] as! [[String: Any]]).filter {
            $0["id"] as? String != "WPJQS4ogrRm"
        }

        let sourcePath = try Self.write(source, "source.json")
        let brokenPath = try Self.write(broken, "broken.json")
        defer {
            try? FileManager.default.removeItem(atPath: sourcePath)
            try? FileManager.default.removeItem(atPath: brokenPath)
        }
        let logger = Logger(label: "test.preflight")
        func simulator(_ path: String, values: Int) async throws -> DHIS2Simulator {
            var configuration = SimulatorConfiguration()
            configuration.metadataFile = path
            configuration.valueCount = values
            configuration.empty = values == 0
            configuration.referenceDate = "2025-03-01"
            return try await DHIS2Simulator.start(configuration, logger: logger)
        }
        let hmis = try await simulator(sourcePath, values: 2000)
        defer { Task { await hmis.stop() } }
        let repo = try await simulator(brokenPath, values: 0)
        defer { Task { await repo.stop() } }
        let mirror = try await simulator(sourcePath, values: 0)
        defer { Task { await mirror.stop() } }

        let (database, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let cli = try await CLISession.start(
            database: TestDatabase.conninfo(database),
            instances: [("hmis", hmis), ("repo", repo), ("mirror", mirror)]
        )
        for (pair, destination) in [("to-repo", "repo"), ("to-mirror", "mirror")] {
            let added = try await cli([
                "pair", "add", pair, "--source", "hmis", "--destination", destination, "--org-unit-level", "3",
            ])
            #expect(added.status == 0, "\(added.stderr)")
        }

        var result = try await cli(["pair", "check", "to-repo", "--year", "2024"])
        #expect(result.status == 1)
        #expect(Self.errorLines(result.stderr) == 1, "\(result.stderr)")
        #expect(result.stderr.contains("pair to-repo: 6 problems on the destination"), "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("pair check to-repo: 6 problems of 6 kinds (2 data sets") == true, "\(lines)")
        for expected in [
            "  1 data elements missing on the destination [E7610]",
            "  1 category option combos missing on the destination [E7613]",
            "  1 org units missing on the destination [E7612]",
            "  1 data elements not in the destination's data set [E7633]",
            "  1 org units not assigned to the data set on the destination [E7636]",
            "  1 periods closed for data entry on the destination [E7640/E7641/E7643]",
            "    Clinic Three (PfFacility3) — TA Malaria annual data",
            "    2024 — TA Malaria annual data: expired on 2025-01-30 (expiry days 30)",
        ] {
            #expect(lines.contains(expected), "\(expected) not in:\n\(result.stdout)")
        }
        #expect(lines.contains { $0.hasPrefix("    ") && $0.contains("(\(gone))") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("    ") && $0.contains("(\(unlisted)) — TA Malaria annual data") })
        #expect(lines.contains("    Clinic Two (PfFacility2) — TA Malaria elimination"), "\(result.stdout)")

        // The first run of the pair refuses, in one line, before anything is sent; --skip-preflight goes on.
        result = try await cli(["run", "--pair", "to-repo", "--year", "2024"])
        #expect(result.status == 1)
        #expect(Self.errorLines(result.stderr) == 1, "\(result.stderr)")
        #expect(result.stderr.contains("has not run yet and its pre-flight check found 6 problems"), "\(result.stderr)")
        #expect(result.stderr.contains("`dhis2-sync pair check to-repo`"), "\(result.stderr)")
        #expect(!repo.requestLog.contains { $0.method == "POST" })
        result = try await cli(["run", "--pair", "to-repo", "--year", "2024", "--skip-preflight"])
        #expect(result.stdout.contains("to-repo"), "\(result.stdout)\(result.stderr)")
        #expect(repo.requestLog.contains { $0.method == "POST" })

        // The same metadata on both sides: clean, and the first run goes through.
        result = try await cli(["pair", "check", "to-mirror", "--year", "2024"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("pair check to-mirror: no problems (2 data sets"), "\(result.stdout)")
        result = try await cli(["run", "--pair", "to-mirror", "--year", "2024"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
