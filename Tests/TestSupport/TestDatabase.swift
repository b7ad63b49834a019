import Foundation
import Logging
import Postgres

/// Where the tests' PostgreSQL is: `scripts/test` starts a throwaway cluster and exports its URL.
///
/// Without one the tests are skipped on a developer's machine, but under `CI=true` they run
/// anyway and fail: CI must never pass by skipping the database.
public enum TestDatabase {
    public static let url = ProcessInfo.processInfo.environment["DHIS2_SYNC_TEST_DATABASE_URL"]
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    public static let available = url != nil || isCI

    public static let logger = Logger(label: "test.postgres")

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public static func configuration() throws -> PostgresConfiguration {
        guard let url else {
            throw Unavailable(
                description: "DHIS2_SYNC_TEST_DATABASE_URL is not set: run the tests through scripts/test"
            )
        }
        return try PostgresConfiguration(url)
    }

    public static func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration(), logger: logger)
    }

    /// Creates an empty database of its own for a test that needs a clean slate (a schema
    /// migration, say); `drop` removes it.
    public static func makeDatabase() async throws -> (
        configuration: PostgresConfiguration, drop: @Sendable () async -> Void
    ) {
        let admin = try await connect()
        let name = "test_\(UInt32.random(in: 0...UInt32.max))"
        try await admin.execute("CREATE DATABASE \(name)")
        var configuration = try configuration()
        configuration["dbname"] = name
        let drop: @Sendable () async -> Void = {
            _ = try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        return (configuration, drop)
    }

    /// The repository root, for scripts the tests drive.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `scripts/pg-cluster` with arguments and returns its standard output.
    @discardableResult
    public static func pgCluster(_ arguments: String...) throws -> String {
        // Output goes to a file, not a pipe: the server it starts would inherit the pipe and hold it open.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: outputPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputPath) }
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("scripts/pg-cluster")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outputPath)
        try process.run()
        // Reaped directly: Foundation's waitUntilExit was seen never to return once the script had
        // daemonised a postmaster (the script lay defunct, unreaped).
        var status: Int32 = 0
        while waitpid(process.processIdentifier, &status, 0) == -1 && errno == EINTR {}
        let exitedCleanly = status & 0x7f == 0 && (status >> 8) & 0xff == 0
        guard exitedCleanly else {
            throw Unavailable(
                description: "scripts/pg-cluster \(arguments.joined(separator: " ")) failed (status \(status))"
            )
        }
        return try String(contentsOf: outputPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A table name no other test uses.
    public static func uniqueTable(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// Resident-set figures of this process, from /proc (Linux only).
public enum ProcessMemory {
    /// Current resident set size in bytes.
    public static func residentBytes() -> Int {
        statusField("VmRSS:")
    }

    private static func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
