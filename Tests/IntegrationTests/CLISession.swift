import DHIS2Simulator
import Foundation
import Testing
import TestSupport

/// The `dhis2-sync` binary against a migrated database of its own, with two registered instances: `hmis`
/// (the source simulator) and `repo` (the destination), whose password comes from `SIM_PASSWORD`.
struct CLISession {
    let environment: [String: String]

    static func start(
        database: String,
        source: DHIS2Simulator,
        destination: DHIS2Simulator,
        environment extra: [String: String] = [:]
    ) async throws -> CLISession {
        try await start(database: database, instances: [("hmis", source), ("repo", destination)], environment: extra)
    }

    /// A migrated database with each simulator registered as an instance of that name.
    static func start(
        database: String,
        instances: [(name: String, simulator: DHIS2Simulator)],
        environment extra: [String: String] = [:]
    ) async throws -> CLISession {
        let session = CLISession(
            environment: ["DHIS2_SYNC_DATABASE_URL": database, "SIM_PASSWORD": "district"].merging(extra) { $1 }
        )
        #expect(try await session(["migrate"]).status == 0)
        for (name, simulator) in instances {
            let added = try await session([
                "instance", "add", name, "--url", simulator.baseURL, "--username", "admin", "--password-env",
                "SIM_PASSWORD",
            ])
            #expect(added.status == 0, "\(added.stderr)")
        }
        return session
    }

    func callAsFunction(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await TestDatabase.runDetached(CLITests.binary, arguments, environment: environment)
    }
}
