import DHIS2Simulator
import Foundation
import Logging
import TestSupport
import Testing

/// `dhis2-sync maintenance …` as an operator runs it, against PostgreSQL and a simulated DHIS2.
@Suite("dhis2-sync maintenance commands", .enabled(if: TestDatabase.available))
struct MaintenanceCLITests {
    typealias Output = (status: Int32, stdout: String, stderr: String)

    /// A database with the schema, a quick simulator registered as `sim`, and a runner for the binary.
    static func withInstance(
        version: ServerVersion = .v2_40,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (DHIS2Simulator, _ cli: @Sendable ([String]) async throws -> Output) async throws -> Void
    ) async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.version = version
        simulatorConfiguration.valueCount = 10
        simulatorConfiguration.jobDelay = .milliseconds(10)
        configure(&simulatorConfiguration)
        let simulator = try await DHIS2Simulator.start(simulatorConfiguration, logger: Logger(label: "test.cli"))
        defer { Task { await simulator.stop() } }
        let environment = ["DHIS2_SYNC_DATABASE_URL": TestDatabase.conninfo(configuration), "SIM_PASSWORD": "district"]
        let cli: @Sendable ([String]) async throws -> Output = { arguments in
            try await TestDatabase.runDetached(CLITests.binary, arguments, environment: environment)
        }
        #expect(try await cli(["migrate"]).status == 0)
        let added = try await cli([
            "instance", "add", "sim", "--url", simulator.baseURL, "--username", "admin", "--password-env",
            "SIM_PASSWORD",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        try await body(simulator, cli)
    }

    /// Each stdout line parsed as a JSON object.
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
    }

    /// A failure: a non-zero exit and exactly one line on stderr, naming the problem.
    static func expectOneLineFailure(_ result: Output, _ expected: String, _ arguments: [String]) {
        #expect(result.status != 0, "\(arguments)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
    }

    static let fast = ["--instance", "sim", "--poll-interval", "0.01"]

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func integrityCommands(version: ServerVersion) async throws {
        try await Self.withInstance(version: version) { _, cli in
            var result = try await cli(["maintenance", "integrity", "list"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            let header = try #require(result.stdout.split(separator: "\n").first)
            #expect(header.hasPrefix("CHECK"))
            // Aligned: every row's severity starts where the header's does.
            let column = try #require(header.range(of: "SEVERITY")).lowerBound.utf16Offset(in: header)
            let listed = result.stdout.split(separator: "\n").dropFirst()
            #expect(listed.count == 14)
            #expect(
                listed.allSatisfy {
                    let start = $0.index($0.startIndex, offsetBy: column)
                    return $0[..<start].hasSuffix("  ") && $0[start] != " "
                }
            )
            #expect(result.stdout.contains("users_with_all_authority"))

            result = try await cli(["maintenance", "integrity", "list", "--check", "datasets_*", "--json"] + Self.fast)
            var lines = try Self.jsonLines(result.stdout)
            #expect(
                lines.compactMap { $0["name"] as? String } == ["datasets_empty", "datasets_not_assigned_to_org_units"]
            )
            #expect(lines.allSatisfy { $0["severity"] is String })

            result = try await cli(
                ["maintenance", "integrity", "run", "--check", "users_with_all_authority"] + Self.fast
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("INFO "), "notifications are shown: \(result.stdout)")
            let table = try #require(result.stdout.range(of: "CHECK"))
            #expect(result.stdout[table.lowerBound...].contains("users_with_all_authority  INFO      1      100.0"))

            result = try await cli(["maintenance", "integrity", "summary", "--json"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            lines = try Self.jsonLines(result.stdout)
            #expect(lines.count == 13, "every check that is not slow")
            let admin = try #require(lines.first { $0["check"] as? String == "users_with_all_authority" })
            #expect(admin["count"] as? Int == 1)
            #expect(admin["failed"] as? Bool == false)

            result = try await cli(
                ["maintenance", "integrity", "details", "--check", "users_with_all_authority"] + Self.fast
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("users_with_all_authority (INFO): 1 issues"), "\(result.stdout)")
            #expect(result.stdout.contains("admin  (ALL)"), "\(result.stdout)")
            result = try await cli(
                ["maintenance", "integrity", "details", "--check", "users_with_all_authority", "--json"] + Self.fast
            )
            lines = try Self.jsonLines(result.stdout)
            let issues = try #require(lines.first?["issues"] as? [[String: Any]])
            #expect(issues.first?["name"] as? String == "admin")

            result = try await cli(["maintenance", "integrity", "issues"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            let rows = result.stdout.split(separator: "\n")
            #expect(rows.first?.hasPrefix("SEVERITY  CHECK") == true)
            #expect(rows.count > 3)
            let rank = ["CRITICAL": 4, "SEVERE": 3, "WARNING": 2, "INFO": 1]
            let severities = rows.dropFirst().map { rank[String($0.prefix { $0 != " " })] ?? 0 }
            #expect(!severities.contains(0) && severities == severities.sorted(by: >), "most severe first")
            result = try await cli(["maintenance", "integrity", "issues", "--json", "--limit", "2"] + Self.fast)
            lines = try Self.jsonLines(result.stdout)
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0["check"] is String && $0["severity"] is String && $0["id"] is String })
            // The same first issue as the table's.
            let firstRow = try #require(rows.dropFirst().first?.split(separator: " ").map(String.init))
            #expect(lines.first?["check"] as? String == firstRow[1])
            #expect(lines.first?["id"] as? String == firstRow[2])
        }
    }

    @Test func integrityFailures() async throws {
        let failing: (inout SimulatorConfiguration) -> Void = { $0.failingIntegrityChecks = ["categories_no_options"] }
        try await Self.withInstance(configure: failing) { simulator, cli in
            var result = try await cli(["maintenance", "integrity", "summary", "--check", "categor*"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("categories_no_options"), "\(result.stdout)")
            #expect(result.stdout.contains("failed"), "\(result.stdout)")

            simulator.failNextJob("DATA_INTEGRITY", message: "database went away")
            result = try await cli(["maintenance", "integrity", "run"] + Self.fast)
            Self.expectOneLineFailure(result, "database went away", ["integrity", "run"])
            simulator.failNextJob("DATA_INTEGRITY_DETAILS", message: "disk on fire")
            result = try await cli(["maintenance", "integrity", "issues", "--json"] + Self.fast)
            Self.expectOneLineFailure(result, "disk on fire", ["integrity", "issues"])

            for arguments in [
                ["maintenance", "integrity", "list", "--check", "no_such_check"],
                ["maintenance", "integrity", "issues", "--check", "no_such_check"],
                ["maintenance", "integrity", "summary", "--check", "no_such_check"],
                ["maintenance", "integrity", "details", "--check", "no_such_check"],
            ] {
                result = try await cli(arguments + Self.fast)
                Self.expectOneLineFailure(result, "no_such_check", arguments)
            }
            for arguments in [
                ["maintenance", "integrity", "list"], ["maintenance", "analytics"], ["maintenance", "coc-update"],
                ["maintenance", "task", "ANALYTICS_TABLE"],
            ] {
                result = try await cli(arguments + ["--instance", "nope"])
                Self.expectOneLineFailure(result, "no instance named 'nope'", arguments)
            }
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func analyticsCOCUpdateAndTasks(version: ServerVersion) async throws {
        try await Self.withInstance(version: version) { simulator, cli in
            var result = try await cli(["maintenance", "analytics", "--last-years", "2"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("sim: started ANALYTICS_TABLE job "), "\(result.stdout)")
            let job = String(try #require(result.stdout.split(separator: " ").last?.split(separator: "\n").first))

            result = try await cli(["maintenance", "task", "ANALYTICS_TABLE", job, "--watch"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Analytics tables updated"), "\(result.stdout)")
            result = try await cli(["maintenance", "task", "ANALYTICS_TABLE", job, "--json"] + Self.fast)
            var lines = try Self.jsonLines(result.stdout)
            #expect(lines.count >= 2)
            #expect(lines.last?["completed"] as? Bool == true)
            #expect(lines.first?["category"] as? String == "ANALYTICS_TABLE")
            result = try await cli(["maintenance", "task", "ANALYTICS_TABLE"] + Self.fast)
            #expect(result.stdout.hasPrefix("JOB"), "\(result.stdout)")
            #expect(result.stdout.contains(job), "\(result.stdout)")
            result = try await cli(["maintenance", "task", "ANALYTICS_TABLE", "--watch"] + Self.fast)
            #expect(result.stdout.contains("Analytics tables updated"), "the most recent job: \(result.stdout)")

            result = try await cli(
                ["maintenance", "analytics", "--skip-resource-tables", "--watch", "--json"] + Self.fast
            )
            #expect(result.status == 0, "\(result.stderr)")
            lines = try Self.jsonLines(result.stdout)
            #expect(lines.first?["jobType"] as? String == "ANALYTICS_TABLE")
            #expect(lines.last?["message"] as? String == "Analytics tables updated")
            #expect(lines.dropFirst().allSatisfy { $0["uid"] is String && $0["level"] is String })

            simulator.failNextJob("ANALYTICS_TABLE", message: "disk full")
            result = try await cli(["maintenance", "analytics", "--watch"] + Self.fast)
            Self.expectOneLineFailure(result, "disk full", ["analytics", "--watch"])
            #expect(result.stdout.contains("ERROR"), "the failure is shown as it happened: \(result.stdout)")

            result = try await cli(["maintenance", "coc-update"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "sim: category option combos updated (all category combos)\n")
            let combo = simulator.metadata.categoryCombos[0].identity.id
            result = try await cli(["maintenance", "coc-update", "--category-combo", combo, "--json"] + Self.fast)
            lines = try Self.jsonLines(result.stdout)
            #expect(lines.first?["categoryCombo"] as? String == combo)
            #expect(lines.first?["updated"] as? Bool == true)
            result = try await cli(["maintenance", "coc-update", "--category-combo", "NoSuchCombo"] + Self.fast)
            Self.expectOneLineFailure(result, "NoSuchCombo", ["coc-update"])

            result = try await cli(["maintenance", "task", "ANALYTICS_TABLE", "NoSuchJob"] + Self.fast)
            Self.expectOneLineFailure(result, "no notifications for job NoSuchJob", ["task"])
        }
    }
}
