import DHIS2Simulator
import Foundation
import Logging
import TestSupport
import Testing

/// The `dhis2-sync` binary as an operator runs it, against PostgreSQL and a simulated DHIS2.
@Suite("dhis2-sync command line", .enabled(if: TestDatabase.available))
struct CLITests {
    /// Built beside the test bundle by `swift build --build-tests`.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("dhis2-sync")

    @Test func migrateAndInstancesAgainstTheSimulator() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.valueCount = 10
        let simulator = try await DHIS2Simulator.start(simulatorConfiguration, logger: Logger(label: "test.cli"))
        defer { Task { await simulator.stop() } }

        let environment = [
            "DHIS2_SYNC_DATABASE_URL": TestDatabase.conninfo(configuration),
            "SIM_PASSWORD": "district",
            "WRONG_PASSWORD": "not-district-1234",
        ]
        func cli(_ arguments: String...) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await TestDatabase.runDetached(Self.binary, arguments, environment: environment)
        }

        var result = try await cli("migrate")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("applied schema migration 1"))
        result = try await cli("migrate")
        #expect(result.stdout.contains("schema is up to date (version 4)"))

        // libpq's message spans two lines (the failure, then a hint): all of it on one line, then ours.
        let nowhere = try await TestDatabase.runDetached(
            Self.binary,
            ["migrate"],
            environment: ["DHIS2_SYNC_DATABASE_URL": "postgresql:///nowhere?host=/nonexistent-socket-dir"]
        )
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.split(separator: "\n").count == 1, "\(nowhere.stderr)")
        #expect(nowhere.stderr.contains("Is the server running"), "\(nowhere.stderr)")
        #expect(nowhere.stderr.contains("check that PostgreSQL runs"), "\(nowhere.stderr)")

        result = try await cli(
            "instance",
            "add",
            "sim",
            "--url",
            simulator.baseURL,
            "--username",
            "admin",
            "--password-env",
            "SIM_PASSWORD"
        )
        #expect(result.status == 0, "\(result.stderr)")
        result = try await cli(
            "instance",
            "add",
            "wrong",
            "--url",
            simulator.baseURL,
            "--username",
            "admin",
            "--password-env",
            "WRONG_PASSWORD"
        )
        #expect(result.status == 0, "\(result.stderr)")

        result = try await cli("instance", "list")
        #expect(result.stdout.contains("sim\t\(simulator.baseURL)\tbasic admin (password env:SIM_PASSWORD)"))
        #expect(!result.stdout.contains("district"))

        result = try await cli("instance", "check", "sim")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("sim: DHIS2 2.40"))
        #expect(result.stdout.contains("authenticated as admin"))

        // Failures: a non-zero exit and exactly one line, naming the problem, never the secret.
        for (arguments, expected) in [
            (["instance", "check", "wrong"], "credentials not accepted"),
            (["instance", "check", "nope"], "no instance named 'nope'"),
            (["instance", "add", "sim", "--url", simulator.baseURL, "--token-env", "T"], "already exists"),
            (
                ["instance", "add", "x", "--url", "https://admin:district@h.example", "--token-env", "T"],
                "must not carry credentials"
            ),
        ] {
            result = try await TestDatabase.runDetached(Self.binary, arguments, environment: environment)
            #expect(result.status == 1, "\(arguments)")
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("not-district-1234"))
        }
    }

    @Test func pairRunStatusAndConflictsAsAnOperatorUsesThem() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let logger = Logger(label: "test.cli")
        let sourceConfiguration = SyncHarness.sourceConfiguration()
        var destinationConfiguration = SyncHarness.destinationConfiguration()
        destinationConfiguration.missingDataElements = ["DE_BCG"]
        let source = try await DHIS2Simulator.start(sourceConfiguration, logger: logger)
        defer { Task { await source.stop() } }
        let destination = try await DHIS2Simulator.start(destinationConfiguration, logger: logger)
        defer { Task { await destination.stop() } }

        let cli = try await CLISession.start(
            database: TestDatabase.conninfo(configuration),
            source: source,
            destination: destination
        )
        let environment = cli.environment
        var result = try await cli(["pair", "add", "hmis-to-repo", "--source", "hmis", "--destination", "repo"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await cli(["pair", "refresh", "hmis-to-repo"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4 active (4 new, 0 now inactive)"), "\(result.stdout)")
        result = try await cli(["pair", "show", "hmis-to-repo"])
        #expect(result.stdout.contains("org units (4 active)"), "\(result.stdout)")
        #expect(result.stdout.contains("analytics       not refreshed"), "\(result.stdout)")
        result = try await cli(["pair", "set", "hmis-to-repo", "--refresh-analytics", "on"])
        #expect(result.stdout == "pair hmis-to-repo: analytics refresh after runs on\n", "\(result.stderr)")
        result = try await cli(["pair", "show", "hmis-to-repo"])
        #expect(result.stdout.contains("analytics       refreshed after runs that change data"), "\(result.stdout)")
        #expect(try await cli(["pair", "set", "hmis-to-repo", "--refresh-analytics", "off"]).status == 0)

        result = try await cli(["pair", "list"])
        #expect(result.stdout.contains("hmis-to-repo"), "\(result.stdout)")
        #expect(try await cli(["pair", "disable", "hmis-to-repo"]).status == 0)
        result = try await cli(["run", "--year", "2024", "--month", "6"])
        #expect(result.status == 1 && result.stderr.contains("no enabled pair"), "\(result.stderr)")
        #expect(try await cli(["pair", "enable", "hmis-to-repo"]).status == 0)

        result = try await cli(["run", "--pair", "hmis-to-repo", "--year", "2024", "--month", "6", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("dry run"))
        #expect(destination.writtenValues().isEmpty)

        result = try await cli(["run", "--pair", "hmis-to-repo", "--year", "2024", "--month", "6"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pair hmis-to-repo run 1 done"), "\(result.stdout)")
        #expect(!destination.writtenValues().isEmpty)

        result = try await cli(["run", "--pair", "hmis-to-repo", "--incremental"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("done"), "\(result.stdout)")

        result = try await cli(["status"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("hmis-to-repo"), "\(result.stdout)")
        #expect(result.stdout.contains("watermarks:"), "\(result.stdout)")
        result = try await cli(["conflicts", "--pair", "hmis-to-repo", "--limit", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("E7610 × "), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("  run ") }.count == 3, "\(result.stdout)")
        result = try await cli(["conflicts", "--pair", "hmis-to-repo", "--code", "E7610", "--json", "--limit", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        #expect(result.stdout.hasPrefix(#"{"code":"E7610","count":"#), "\(result.stdout)")
        result = try await cli(["conflicts", "--code", "E7633"])
        #expect(result.stdout == "no open conflicts\n", "\(result.stdout)")
        result = try await cli(["conflicts", "--rows", "--limit", "2"])
        #expect(result.stdout.split(separator: "\n").count == 2, "\(result.stdout)")
        result = try await cli(["conflicts", "--explain", "e7633"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("E7633: ") && result.stdout.contains("usual fix:"), "\(result.stdout)")

        result = try await cli(["verify", "--pair", "hmis-to-repo", "--year", "2024", "--month", "6"])
        #expect(result.status == 1, "values of the missing data element cannot be equal")
        #expect(result.stdout.contains("NOT EQUAL"))

        // The destination gets the data element: a retry delivers the refused values, verify agrees.
        destination.setMissingDataElements([])
        result = try await cli(["conflicts", "retry", "--pair", "hmis-to-repo", "--code", "E7610"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("retry run") && result.stdout.contains("0 still refused"), "\(result.stdout)")
        result = try await cli(["conflicts"])
        #expect(result.stdout == "no open conflicts\n", "\(result.stdout)")
        result = try await cli(["verify", "--pair", "hmis-to-repo", "--year", "2024", "--month", "6", "--repair"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("EQUAL") && !result.stdout.contains("re-verify"), "\(result.stdout)")

        // Bad input: one line naming the problem, a non-zero exit, nothing written.
        let runsBefore = try await cli(["status"]).stdout
        for (arguments, expected) in [
            (["run", "--pair", "hmis-to-repo"], "give the period window"),
            (["run", "--pair", "hmis-to-repo", "--year", "2024", "--month", "13"], "--month 13"),
            (["run", "--pair", "hmis-to-repo", "--year", "2024", "--period", "2024Q1"], "give one of"),
            (["run", "--pair", "hmis-to-repo", "--period", "2024X9"], "not a DHIS2 period id"),
            (["run", "--pair", "hmis-to-repo", "--incremental", "--year", "2024"], "drop the period flags"),
            (["run", "--pair", "nope", "--year", "2024"], "nope"),
            (["run", "--pair", "hmis-to-repo", "--year", "2024", "--districts", "Atlantis"], "Atlantis"),
            (["pair", "add", "bad", "--source", "hmis", "--destination", "nowhere"], "nowhere"),
            (["pair", "set", "hmis-to-repo"], "nothing to change"),
            (["pair", "set", "nope", "--refresh-analytics", "on"], "no pair named 'nope'"),
            (["conflicts", "--explain", "E9999"], "unknown conflict code 'E9999'"),
            (["conflicts", "retry", "--pair", "nope"], "nope"),
        ] {
            result = try await cli(arguments)
            #expect(result.status != 0, "\(arguments)")
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
                .filter { !$0.hasPrefix("Usage:") && !$0.contains("--help") }
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        #expect(try await cli(["status"]).stdout == runsBefore)

        // A configuration value out of range is named with its key, before anything runs.
        for (json, key) in [
            (#"{"sync": {"overlapSeconds": -5}}"#, "sync.overlapSeconds -5"),
            (#"{"serve": {"intervalSeconds": 3}}"#, "serve.intervalSeconds 3"),
        ] {
            let config = try ChildCommand.file(json)
            defer { try? FileManager.default.removeItem(at: config) }
            let command = key.hasPrefix("serve") ? ["serve"] : ["run", "--incremental"]
            result = try await TestDatabase.runDetached(
                Self.binary,
                command + ["--config", config.path],
                environment: environment
            )
            #expect(result.status == 1)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("the configuration's \(key) must be between"), "\(result.stderr)")
        }
    }
}
