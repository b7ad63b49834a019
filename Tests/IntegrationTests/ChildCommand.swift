import Foundation
import TestSupport

/// `dhis2-sync` started as a child process that keeps running while the test works (unlike
/// `TestDatabase.runDetached`, which waits for the end): stderr to a file, signals on demand.
final class ChildCommand: @unchecked Sendable {
    // Process is not Sendable; this wrapper only touches it from the test's task and the waiting thread.
    let process = Process()
    let directory: URL
    let stderr: URL

    init(_ arguments: [String], environment: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = CLITests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the exit on a thread of its own; returns the status (128 + signal when killed).
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread {
                self.process.waitUntilExit()
                let status = self.process.terminationStatus
                continuation.resume(
                    returning: self.process.terminationReason == .uncaughtSignal ? 128 + status : status
                )
            }.start()
        }
    }

    var errorOutput: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

    /// A temporary file holding `text` (a configuration, say); the caller removes it.
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID()).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Polls `condition` every 50 ms for up to `seconds`; false when it never held.
    static func wait(seconds: Double = 60, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
