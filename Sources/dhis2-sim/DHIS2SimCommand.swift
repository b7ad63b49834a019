import ArgumentParser
import DHIS2Simulator
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dhis2-sim`: runs a simulated DHIS2 until interrupted.
@main
struct DHIS2SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dhis2-sim",
        abstract: "A simulated DHIS2 server for tests, demos and benchmarks."
    )

    @Option(help: "Interface to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Seed for metadata and values; equal seeds give equal UIDs.") var seed: UInt64 = 1
    @Option(help: "Number of generated data values.") var values = 10_000
    @Flag(help: "Start without data values (metadata only).") var empty = false
    @Option(help: "DHIS2 version to imitate: 2.38 … 2.43.") var version = "2.40"
    @Option(help: "Basic auth user name.") var username = "admin"
    @Option(help: "Basic auth password.") var password = "district"
    @Option(help: "Accept 'Authorization: ApiToken <token>' with this token.") var token: String?
    @Option(help: "Load this DHIS2 metadata export instead of generating metadata.") var metadata: String?
    @Option(help: "List the data integrity checks defined by this folder of DHIS2 YAML files.")
    var integrityChecks: String?
    @Option(help: "Number of facilities in the generated hierarchy.") var facilities: Int?
    @Option(help: "The 'today' of the generated data (yyyy-MM-dd); default: the real date.") var referenceDate: String?
    @Option(help: "Years of periods that carry generated values.") var years = 2
    @Option(help: "Delay added to every request, in milliseconds.") var latencyMs: Int?
    @Option(help: "Answer the next N requests on --fail-route with --fail-status.") var failNext: Int?
    @Option(help: "Status for --fail-next (e.g. 500, 503, 429).") var failStatus = 503
    @Option(help: "Path prefix for --fail-next (default: every path).") var failRoute: String?
    @Option(help: "Retry-After seconds sent with --fail-next answers.") var retryAfter: Int?
    @Option(help: "Cut every data value export after N values (status stays 200).") var truncateExportAfter: Int?
    @Option(help: "Close the connection after N bytes of every export body.") var resetAfterBytes: Int?
    @Option(help: "Send export bodies in pieces of N bytes (see --drip-interval-ms).") var dripBytes: Int?
    @Option(help: "Pause between drip pieces, in milliseconds.") var dripIntervalMs = 10
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    /// Parses like ArgumentParser does, but reports bad arguments as a single line (scripts grep for it).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            if let code = error as? ExitCode { terminate(code.rawValue) }
            FileHandleStderr.write("dhis2-sim: \(message(for: error))\n")
            terminate(64)
        }
    }

    func validate() throws {
        guard ServerVersion(version) != nil else {
            throw ValidationError("--version must be between 2.38 and 2.43 (e.g. 2.40 or 2.43.1), got '\(version)'")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard values >= 0 else { throw ValidationError("--values must not be negative") }
        if let facilities, facilities < 1 { throw ValidationError("--facilities must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'")
        }
    }

    func run() async throws {
        var logger = Logger(label: "dhis2-sim")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.seed = seed
        configuration.valueCount = values
        configuration.empty = empty
        configuration.version = ServerVersion(version)!
        configuration.username = username
        configuration.password = password
        configuration.apiToken = token
        configuration.metadataFile = metadata
        configuration.integrityChecksDirectory = integrityChecks
        configuration.referenceDate = referenceDate
        configuration.yearsOfData = years
        if let facilities { configuration.hierarchy = .facilities(facilities) }
        if let latencyMs { configuration.latency = .milliseconds(latencyMs) }
        let simulator: DHIS2Simulator
        do {
            simulator = try await DHIS2Simulator.start(configuration, logger: logger)
        } catch {
            FileHandleStderr.write("dhis2-sim: \(error)\n")
            throw ExitCode.failure
        }
        if let failNext {
            simulator.inject(Fault(.status(failStatus, retryAfter: retryAfter), path: failRoute, count: failNext))
        }
        if let truncateExportAfter {
            simulator.inject(
                Fault(
                    .truncateExport(afterValues: truncateExportAfter),
                    path: "/api/dataValueSets",
                    method: "GET",
                    count: nil
                )
            )
        }
        if let resetAfterBytes {
            simulator.inject(
                Fault(
                    .resetConnection(afterBytes: resetAfterBytes),
                    path: "/api/dataValueSets",
                    method: "GET",
                    count: nil
                )
            )
        }
        if let dripBytes {
            simulator.inject(
                Fault(
                    .slowDrip(bytesPerChunk: dripBytes, interval: .milliseconds(dripIntervalMs)),
                    path: "/api/dataValueSets",
                    method: "GET",
                    count: nil
                )
            )
        }
        print("dhis2-sim listening on \(simulator.baseURL)")
        fflush(nil)
        await SignalWaiter.waitForTermination()
        await simulator.stop()
    }
}

/// Writes to standard error without Foundation.
enum FileHandleStderr {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = writeStandardError(bytes.baseAddress, bytes.count) }
    }
}

/// The C library's `exit`, outside the command type whose static `exit(withError:)` would shadow it.
private func terminate(_ code: Int32) -> Never {
    exit(code)
}

private func writeStandardError(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int {
    write(2, bytes, count)
}
