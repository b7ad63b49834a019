import Foundation

/// Runs a program to completion and collects its output.
///
/// Output goes to files, not pipes: a server the program starts (pg_ctl's postmaster) would inherit
/// a pipe and hold it open. The child is reaped here with waitpid because Foundation's
/// waitUntilExit was seen never to return once a child had daemonised a server; when Foundation
/// reaps it first (ECHILD), its own status is the answer.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment extra: [String: String] = [:]
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appendingPathComponent("child-\(UUID()).out")
        let err = directory.appendingPathComponent("child-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var status: Int32 = 0
        var reaped: Int32
        repeat {
            reaped = waitpid(process.processIdentifier, &status, 0)
        } while reaped == -1 && errno == EINTR
        let code: Int32
        if reaped == process.processIdentifier {
            code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        } else {
            process.waitUntilExit()
            code = process.terminationStatus
        }
        return Result(
            status: code,
            stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8)
        )
    }
}
