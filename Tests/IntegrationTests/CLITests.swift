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
        func cli(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
            try TestDatabase.run(Self.binary, arguments, environment: environment)
        }

        var result = try cli("migrate")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("applied schema migration 1"))
        result = try cli("migrate")
        #expect(result.stdout.contains("schema is up to date (version 2)"))

        result = try cli(
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
        result = try cli(
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

        result = try cli("instance", "list")
        #expect(result.stdout.contains("sim\t\(simulator.baseURL)\tbasic admin (password env:SIM_PASSWORD)"))
        #expect(!result.stdout.contains("district"))

        result = try cli("instance", "check", "sim")
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
            result = try TestDatabase.run(Self.binary, arguments, environment: environment)
            #expect(result.status == 1, "\(arguments)")
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("not-district-1234"))
        }
    }
}
