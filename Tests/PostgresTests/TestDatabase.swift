import Foundation
import Logging
import Postgres
import Testing

/// Where the tests' PostgreSQL is: `scripts/test` starts a throwaway cluster and exports its URL.
///
/// Without one the tests are skipped on a developer's machine, but under `CI=true` they run
/// anyway and fail: CI must never pass by skipping the database.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["DHIS2_SYNC_TEST_DATABASE_URL"]
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let available = url != nil || isCI

    static let logger = Logger(label: "test.postgres")

    static func configuration() throws -> PostgresConfiguration {
        let url = try #require(url, "DHIS2_SYNC_TEST_DATABASE_URL is not set: run the tests through scripts/test")
        return try PostgresConfiguration(url)
    }

    static func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration(), logger: logger)
    }

    /// The repository root, for scripts the tests drive.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `scripts/pg-cluster` with arguments and returns its standard output.
    @discardableResult
    static func pgCluster(_ arguments: String...) throws -> String {
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
        try #require(exitedCleanly, "scripts/pg-cluster \(arguments.joined(separator: " ")) failed (status \(status))")
        return try String(contentsOf: outputPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A table name no other test uses.
    static func uniqueTable(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// Resident-set figures of this process, from /proc (Linux only).
enum ProcessMemory {
    /// Current resident set size in bytes.
    static func residentBytes() -> Int {
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
