import Foundation
import LocalPostgres
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

    /// A conninfo string for a configuration, for handing a database to a child process.
    public static func conninfo(_ configuration: PostgresConfiguration) -> String {
        configuration.parameters.filter { $0.keyword != "options" }.map { pair in
            let escaped = pair.value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "'", with: "\\'")
            return "\(pair.keyword)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// Runs a program to completion with extra environment; returns its status and output.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try ChildProcess.run(executable, arguments, environment: extra)
        return (result.status, result.stdout, result.stderr)
    }

    /// `run` on a thread of its own: a test waiting for a child blocks no thread of the cooperative pool,
    /// which in-process simulators the child talks to need (2-core CI machines have only two).
    public static func runDetached(
        _ executable: URL,
        _ arguments: [String],
        environment extra: [String: String] = [:]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try run(executable, arguments, environment: extra) })
            }
            thread.start()
        }
    }

    /// The repository root, for scripts the tests drive.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `scripts/pg-cluster` with arguments and returns its standard output.
    @discardableResult
    public static func pgCluster(_ arguments: String...) throws -> String {
        let result = try run(repositoryRoot.appendingPathComponent("scripts/pg-cluster"), arguments)
        guard result.status == 0 else {
            throw Unavailable(
                description: "scripts/pg-cluster \(arguments.joined(separator: " ")) failed: \(result.stderr)"
            )
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
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
