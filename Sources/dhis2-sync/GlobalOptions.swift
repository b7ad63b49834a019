import ArgumentParser
import Foundation
import Logging
import Postgres
import Sync

/// Options every command takes (design.md §2).
struct GlobalOptions: ParsableArguments {
    @Option(help: "Configuration file (default: $DHIS2_SYNC_CONFIG, then /etc/dhis2-sync/config.json if present).")
    var config: String?

    @Option(
        help: ArgumentHelp(
            "PostgreSQL URL or conninfo (default: $DHIS2_SYNC_DATABASE_URL, then the config's database.url, then libpq's PG* variables).",
            valueName: "url"
        )
    )
    var databaseURL: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// `auto` writes JSON lines when systemd's journal holds stderr (`JOURNAL_STREAM`), text otherwise.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case auto, text, json
    }

    @Option(help: "auto, text or json (auto: JSON lines under systemd's journal, text elsewhere).")
    var logFormat: LogFormat = .auto

    /// The configuration file's settings this build reads; unknown keys are ignored.
    struct FileSettings: Decodable {
        struct Database: Decodable { var url: String? }
        struct Sync: Decodable {
            var concurrency: Int?
            var maxAttempts: Int?
            var retryDelaySeconds: Double?
            var incrementalWindowDays: Int?
            var overlapSeconds: Int?
        }
        struct Serve: Decodable {
            var intervalSeconds: Int?
            var pairIntervalSeconds: [String: Int]?
            var listen: String?
        }
        var database: Database?
        var sync: Sync?
        var serve: Serve?
    }

    /// `serve`'s settings, checked: the default interval, per-pair overrides, the endpoint's address.
    func serveSettings() throws -> (default: Duration, pairs: [String: Duration], listen: (String, Int)) {
        let serve = try fileSettings(environment: ProcessInfo.processInfo.environment)?.serve
        let range = 10...86_400 * 7
        let interval = Duration.seconds(try Self.checked(serve?.intervalSeconds, "serve.intervalSeconds", range) ?? 900)
        var pairs: [String: Duration] = [:]
        for (pair, seconds) in serve?.pairIntervalSeconds ?? [:] {
            pairs[pair] = .seconds(try Self.checked(seconds, "serve.pairIntervalSeconds.\(pair)", range) ?? seconds)
        }
        let listen = serve?.listen ?? "127.0.0.1:9464"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65_535).contains(port), colon != listen.startIndex
        else {
            throw CLIError("the configuration's serve.listen '\(listen)' is not HOST:PORT, e.g. 127.0.0.1:9464")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (interval, pairs, (host, port))
    }

    /// A configured number, refused with its key and the allowed range when outside it; nil stays nil.
    private static func checked<Number: Comparable>(
        _ value: Number?,
        _ key: String,
        _ range: ClosedRange<Number>
    ) throws -> Number? {
        guard let value else { return nil }
        guard range.contains(value) else {
            throw CLIError(
                "the configuration's \(key) \(value) must be between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return value
    }

    /// The runner's settings: defaults, overridden by the configuration file's `sync` section.
    func runnerSettings() throws -> SyncRunner.Settings {
        var settings = SyncRunner.Settings()
        guard let sync = try fileSettings(environment: ProcessInfo.processInfo.environment)?.sync else {
            return settings
        }
        if let concurrency = try Self.checked(sync.concurrency, "sync.concurrency", 1...64) {
            settings.concurrency = concurrency
        }
        if let attempts = try Self.checked(sync.maxAttempts, "sync.maxAttempts", 1...20) {
            settings.maxAttempts = attempts
        }
        if let delay = try Self.checked(sync.retryDelaySeconds, "sync.retryDelaySeconds", 0...3600) {
            settings.retryDelay = .milliseconds(Int(delay * 1000))
        }
        if let days = try Self.checked(sync.incrementalWindowDays, "sync.incrementalWindowDays", 1...3660) {
            settings.incrementalWindowDays = days
        }
        if let overlap = try Self.checked(sync.overlapSeconds, "sync.overlapSeconds", 0...86_400) {
            settings.incrementalOverlap = .seconds(overlap)
        }
        return settings
    }

    func fileSettings(environment: [String: String]) throws -> FileSettings? {
        let explicit = config ?? environment["DHIS2_SYNC_CONFIG"]
        let path: String
        if let explicit {
            path = explicit
        } else if FileManager.default.fileExists(atPath: "/etc/dhis2-sync/config.json") {
            path = "/etc/dhis2-sync/config.json"
        } else {
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read the configuration file \(path): check the path and its permissions")
        }
        do {
            return try JSONDecoder().decode(FileSettings.self, from: data)
        } catch {
            throw CLIError("the configuration file \(path) is not valid JSON of the expected shape: \(error)")
        }
    }

    /// Where the database is, by the precedence design.md gives.
    func databaseConninfo(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let databaseURL { return databaseURL }
        if let url = environment["DHIS2_SYNC_DATABASE_URL"], !url.isEmpty { return url }
        if let url = try fileSettings(environment: environment)?.database?.url { return url }
        return ""
    }

    /// Connects to the database the options point at.
    func connectDatabase(logger: Logger) async throws -> PostgresConnection {
        let conninfo = try databaseConninfo()
        do {
            return try await PostgresConnection.connect(PostgresConfiguration(conninfo), logger: logger)
        } catch {
            throw CLIError(
                "\(oneLine(error)); check that PostgreSQL runs and that --database-url / DHIS2_SYNC_DATABASE_URL / the config "
                    + "file's database.url points at it"
            )
        }
    }

    func makeLogger() -> Logger {
        let json =
            logFormat == .json
            || (logFormat == .auto && ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil)
        var logger = Logger(label: "dhis2-sync") { label -> any LogHandler in
            json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A failure with one line for the operator.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
