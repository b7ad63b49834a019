import Curl
import DHIS2Simulator
import Foundation
import Testing

@Suite("Data integrity")
struct IntegrityTests {
    /// Polls the job's notifications until the newest is completed.
    static func awaitJob(_ sim: SimulatorHarness, _ kickoff: SimulatorHarness.Reply) async throws {
        let type = try #require(kickoff.json?["response"]?["jobType"]?.stringValue)
        let id = try #require(kickoff.json?["response"]?["id"]?.stringValue)
        for _ in 0..<500 {
            let tasks = try await sim.get("/api/system/tasks/\(type)/\(id)")
            if tasks.json?[0]?["completed"]?.boolValue == true { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("job \(id) did not complete")
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func listsTheBuiltInChecksWithFilters(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version, values: 10) { sim in
            let all = try #require(try await sim.get("/api/dataIntegrity").json?.arrayValue)
            #expect(all.count == IntegrityCheck.builtIn.count)
            #expect(all.count >= 12)
            let roots = try #require(all.first { $0["name"]?.stringValue == "orgunits_multiple_roots" })
            #expect(
                roots.keys == [
                    "name", "displayName", "section", "sectionOrder", "severity", "description", "recommendation",
                    "issuesIdType", "isSlow", "isProgrammatic", "code",
                ]
            )
            #expect(roots["code"]?.stringValue == "OMR")
            #expect(roots["severity"]?.stringValue == "CRITICAL")
            func names(_ query: [(String, String)]) async throws -> [String] {
                try await sim.get("/api/dataIntegrity", query).json?.arrayValue?.compactMap { $0["name"]?.stringValue }
                    ?? []
            }
            #expect(try await names([("checks", "orgunits_*")]).count == 3)
            #expect(try await names([("checks", "DEWD,users-with-all-authority")]).count == 2)
            #expect(try await names([("slow", "true")]) == ["data_elements_aggregate_no_data"])
            #expect(
                try await names([("section", "Data sets")]) == ["datasets_empty", "datasets_not_assigned_to_org_units"]
            )
        }
    }

    @Test func version238ListsOnlyTheFieldsItHad() async throws {
        try await SimulatorHarness.with(version: ServerVersion(minor: 38), values: 10) { sim in
            let all = try #require(try await sim.get("/api/dataIntegrity").json?.arrayValue)
            let roots = try #require(all.first { $0["name"]?.stringValue == "orgunits_multiple_roots" })
            #expect(roots.keys == ["name", "displayName", "section", "severity", "description", "recommendation"])
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func summaryRunIsAJobWhoseCountsAppearWhenDone(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version, values: 10) { sim in
            let before = try await sim.get("/api/dataIntegrity/users_with_all_authority/summary")
            #expect(before.status == 200 && before.body.isEmpty)
            let kickoff = try await sim.send(
                .post,
                "/api/dataIntegrity/summary",
                [("checks", "users_with_all_authority,datasets_*")]
            )
            #expect(kickoff.status == 200)
            #expect(kickoff.json?["response"]?["jobType"]?.stringValue == "DATA_INTEGRITY")
            #expect(kickoff.json?["response"]?["responseType"] == nil)
            let location = try #require(kickoff.headers.first(name: "Location"))
            #expect(
                location.hasSuffix(
                    "/api/dataIntegrity/summary?checks=datasets_empty,datasets_not_assigned_to_org_units,"
                        + "users_with_all_authority"
                )
            )
            try await Self.awaitJob(sim, kickoff)

            let summary = try #require(try await sim.get("/api/dataIntegrity/summary").json)
            #expect(
                Set(summary.keys) == [
                    "users_with_all_authority", "datasets_empty", "datasets_not_assigned_to_org_units",
                ]
            )
            let admin = try #require(summary["users_with_all_authority"])
            #expect(admin["count"]?.intValue == 1)
            #expect(admin["percentage"] == .number("100.0"))
            #expect(admin["name"]?.stringValue == "users_with_all_authority")
            #expect(admin.keys.suffix(4) == ["startTime", "finishedTime", "count", "percentage"])
            #expect(summary["datasets_empty"]?["count"]?.intValue == 0)
            #expect(summary["datasets_empty"]?["percentage"] == .number("0.0"))
            let completed = try await sim.get("/api/dataIntegrity/summary/completed").json?.arrayValue
            #expect(completed?.count == 3)
            #expect(try await sim.get("/api/dataIntegrity/summary/running").json?.arrayValue == [])
            // Details were not run.
            #expect(try await sim.get("/api/dataIntegrity/details").json == .object([]))
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func detailsRunFromABodyListsIssues(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version, values: 10) { sim in
            let kickoff = try await sim.post(
                "/api/dataIntegrity/details",
                json: #"["users_with_all_authority","orgunits_multiple_roots"]"#
            )
            #expect(kickoff.json?["response"]?["jobType"]?.stringValue == "DATA_INTEGRITY_DETAILS")
            try await Self.awaitJob(sim, kickoff)
            let me = try #require(try await sim.get("/api/me").json?["id"]?.stringValue)
            let single = try #require(try await sim.get("/api/dataIntegrity/users_with_all_authority/details").json)
            let issue = try #require(single["issues"]?[0])
            #expect(
                issue
                    == .object([
                        .init("id", .string(me)), .init("name", .string("admin")), .init("comment", .string("ALL")),
                    ])
            )
            let details = try #require(try await sim.get("/api/dataIntegrity/details", [("timeout", "100")]).json)
            #expect(details["orgunits_multiple_roots"]?["issues"] == .array([]))
            #expect(details["orgunits_multiple_roots"]?["count"] == nil)
            let unknown = try await sim.get("/api/dataIntegrity/no_such_check/details")
            #expect(unknown.status == 404)
            let bad = try await sim.post("/api/dataIntegrity/details", json: #"{"checks":1}"#)
            #expect(bad.status == 400)
        }
    }

    @Test func resultsAreDeterministicAndSummaryAgreesWithDetails() async throws {
        func run() async throws -> (JSONValue, JSONValue) {
            try await SimulatorHarness.with(seed: 99, values: 10) { sim in
                try await Self.awaitJob(sim, try await sim.send(.post, "/api/dataIntegrity/summary"))
                try await Self.awaitJob(sim, try await sim.send(.post, "/api/dataIntegrity/details"))
                let summary = try #require(try await sim.get("/api/dataIntegrity/summary").json)
                let details = try #require(try await sim.get("/api/dataIntegrity/details").json)
                return (summary, details)
            }
        }
        let (summary, details) = try await run()
        let (again, _) = try await run()
        // Every check but the slow one ran.
        #expect(summary.keys.count == IntegrityCheck.builtIn.count - 1)
        #expect(summary["data_elements_aggregate_no_data"] == nil)
        var found = 0
        for name in summary.keys {
            let count = try #require(summary[name]?["count"]?.intValue)
            #expect(details[name]?["issues"]?.arrayValue?.count == count, "\(name)")
            #expect(again[name]?["count"]?.intValue == count)
            found += count
        }
        #expect(found > 1)
        #expect(summary["periods_distant_past"]?["percentage"] == nil)
    }

    @Test func failingChecksAndFailingJobs() async throws {
        let failing: (inout SimulatorConfiguration) -> Void = { $0.failingIntegrityChecks = ["datasets_empty"] }
        try await SimulatorHarness.with(values: 10, configure: failing) { sim in
            let kickoff = try await sim.send(.post, "/api/dataIntegrity/summary", [("checks", "datasets_empty")])
            try await Self.awaitJob(sim, kickoff)
            let result = try #require(try await sim.get("/api/dataIntegrity/datasets_empty/summary").json)
            #expect(result["count"]?.intValue == -1)
            #expect(result["error"]?.stringValue?.contains("does not exist") == true)

            sim.simulator.failNextJob("DATA_INTEGRITY_DETAILS", message: "boom")
            let failed = try await sim.send(.post, "/api/dataIntegrity/details", [("checks", "datasets_*")])
            try await Self.awaitJob(sim, failed)
            let id = try #require(failed.json?["response"]?["id"]?.stringValue)
            let last = try await sim.get("/api/system/tasks/DATA_INTEGRITY_DETAILS/\(id)").json?[0]
            #expect(last?["level"]?.stringValue == "ERROR")
            #expect(last?["message"]?.stringValue == "Process failed: boom")
            #expect(try await sim.get("/api/dataIntegrity/details/running").json?.arrayValue == [])
        }
    }

    @Test func loadsTheDHIS2CheckDefinitions() async throws {
        // shared/ sits beside the repository, locally and in CI.
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/fixtures/dhis2-core/data-integrity-checks").path
        let load: (inout SimulatorConfiguration) -> Void = { $0.integrityChecksDirectory = directory }
        try await SimulatorHarness.with(values: 10, configure: load) { sim in
            let checks = try #require(try await sim.get("/api/dataIntegrity").json?.arrayValue)
            // 98 files; `predictor_groups_no_members.yaml` is empty in the snapshot and defines nothing.
            #expect(checks.count == 97)
            func check(_ name: String) -> JSONValue? { checks.first { $0["name"]?.stringValue == name } }
            let roots = try #require(check("orgunits_multiple_roots"))
            #expect(roots["severity"]?.stringValue == "CRITICAL")
            #expect(roots["sectionOrder"]?.intValue == 8)
            #expect(roots["issuesIdType"]?.stringValue == "organisationUnits")
            #expect(roots["displayName"]?.stringValue == "orgunits multiple roots")
            // An indented document, with `|` blocks.
            let past = try #require(check("periods_distant_past"))
            #expect(past["section"]?.stringValue == "Periods")
            #expect(
                past["introduction"]?.stringValue?.hasPrefix(
                    "Periods in DHIS2 are automatically generated by the system. As new data is entered\ninto"
                ) == true
            )
            #expect(check("data_elements_aggregate_no_data")?["isSlow"]?.boolValue == true)
            // `description:  two spaces` and `>` blocks, folded.
            #expect(
                check("category_combos_unused")?["description"]?.stringValue
                    == "Category combinations not used by other metadata objects"
            )
            let empty = try #require(check("datasets_custom_data_entry_forms_empty")?["introduction"]?.stringValue)
            #expect(empty.hasPrefix("Custom data entry forms can be created with HTML code to provide"))
            #expect(empty.contains("a richer data entry experience") && !empty.dropLast().contains("\n"))

            // Loaded checks run too; the real ones find what the metadata holds.
            let kickoff = try await sim.send(.post, "/api/dataIntegrity/summary", [("checks", "orgunits_*,users_*")])
            try await Self.awaitJob(sim, kickoff)
            let summary = try #require(try await sim.get("/api/dataIntegrity/summary").json)
            #expect(summary["users_with_all_authority"]?["count"]?.intValue == 1)
            #expect(summary["orgunits_multiple_roots"]?["count"]?.intValue == 0)
        }
    }
}
