import ArgumentParser
import Curl
import DHIS2
import Foundation
import Sync

/// `dhis2-sync maintenance …`: data integrity, analytics tables, category option combos and job feeds of one
/// registered instance.
///
/// Output is an aligned table by default; with `--json` it is JSON lines: one object per line, one line per
/// row (check, issue, result or notification), so that it streams and `jq -c` reads it line by line.
struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract:
            "Run DHIS2 maintenance jobs on an instance: data integrity, analytics tables, category option combos.",
        subcommands: [IntegrityCommand.self, Analytics.self, COCUpdate.self, TaskCommand.self]
    )

    struct Analytics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the analytics tables job; with --watch, print its notifications until it ends.",
            discussion: "Exits non-zero when the watched job ends at ERROR level."
        )

        @OptionGroup var instance: MaintenanceOptions
        @Option(help: "Only the latest N years of tables (0: the latest only); default all years.") var lastYears: Int?
        @Flag(help: "Skip regenerating the resource tables.") var skipResourceTables = false
        @Flag(help: "Print the job's notifications until it ends.") var watch = false

        func validate() throws {
            if let lastYears, lastYears < 0 { throw ValidationError("--last-years must be 0 or more") }
        }

        func run() async throws {
            try await instance.withClient { client in
                var options = AnalyticsTableOptions(lastYears: lastYears)
                options.skipResourceTables = skipResourceTables
                let job = try await client.startAnalyticsRefresh(options)
                try await instance.follow(job, watch: watch, client: client)
            }
        }
    }

    struct COCUpdate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coc-update",
            abstract: "Regenerate the category option combos of every category combo, or of one."
        )

        @OptionGroup var instance: MaintenanceOptions
        @Option(help: "Only this category combo (uid).") var categoryCombo: String?

        func run() async throws {
            try await instance.withClient { client in
                try await client.updateCategoryOptionCombos(categoryCombo: categoryCombo)
                let scope = categoryCombo.map { "category combo \($0)" } ?? "all category combos"
                if instance.json {
                    emitJSONLine(COCUpdated(instance: instance.instance, categoryCombo: categoryCombo))
                } else {
                    print("\(instance.instance): category option combos updated (\(scope))")
                }
            }
        }

        struct COCUpdated: Encodable {
            var instance: String
            var categoryCombo: String?
            var updated = true
        }
    }

    struct TaskCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "task",
            abstract: "Show the notifications of one job, or the latest notification of each job of a type.",
            discussion: """
                With JOB_ID: that job's notifications, oldest first; with --watch, until it ends (non-zero exit \
                when it ends at ERROR level). Without JOB_ID: one row per job of JOB_TYPE the server remembers; \
                with --watch, the most recent of them is followed.
                """
        )

        @OptionGroup var instance: MaintenanceOptions
        @Argument(help: "The job type, e.g. ANALYTICS_TABLE or DATA_INTEGRITY.") var jobType: String
        @Argument(help: "The job's id, as the kick-off printed it.") var jobID: String?
        @Flag(help: "Poll the job's notifications until it ends.") var watch = false

        func run() async throws {
            try await instance.withClient { client in
                let type = JobType(jobType.uppercased())
                if let jobID {
                    try await showJob(JobReference(id: jobID, jobType: type), client: client)
                    return
                }
                let jobs: [String: [JobNotification]] = try await client.getJSON("system/tasks/\(type.rawValue)")
                // Each feed is newest first; the most recent job has the newest first entry.
                let latest = jobs.compactMap { id, feed in feed.first.map { (id: id, newest: $0) } }
                    .sorted { ($0.newest.time ?? "", $0.id) > ($1.newest.time ?? "", $1.id) }
                if watch {
                    guard let recent = latest.first else {
                        throw CLIError("\(instance.instance) has no \(type) job to watch")
                    }
                    try await showJob(JobReference(id: recent.id, jobType: type), client: client)
                    return
                }
                if instance.json {
                    for job in latest { emitJSONLine(NotificationLine(job.newest, job: job.id)) }
                } else if latest.isEmpty {
                    print("\(instance.instance): no \(type) jobs")
                } else {
                    printTable(
                        ["JOB", "TIME", "LEVEL", "DONE", "MESSAGE"],
                        latest.map { job in
                            [
                                job.id, job.newest.time ?? "", job.newest.level.rawValue,
                                job.newest.completed ? "yes" : "no", job.newest.message ?? "",
                            ]
                        }
                    )
                }
            }
        }

        private func showJob(_ job: JobReference, client: DHIS2Client) async throws {
            if watch {
                try await instance.follow(job, watch: true, client: client, announce: false)
                return
            }
            let feed = try await client.notifications(jobType: JobType(job.jobType), jobID: job.id)
            guard !feed.isEmpty else { throw CLIError("\(instance.instance) has no notifications for job \(job.id)") }
            for notification in feed.reversed() { instance.show(notification) }
        }
    }
}

/// The options every maintenance command takes: where, and how to print.
struct MaintenanceOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "The registered instance to work on (see `dhis2-sync instance list`).") var instance: String
    @Flag(help: "JSON lines (one object per line) instead of a table.") var json = false
    @Option(help: ArgumentHelp("Seconds between polls of a job's notifications.", visibility: .hidden))
    var pollInterval: Double = 1

    var interval: Duration { .milliseconds(Int(max(pollInterval, 0.001) * 1000)) }

    /// Resolves the instance, builds a client for it and runs `body`, reporting any error as one line.
    func withClient(_ body: (DHIS2Client) async throws -> Void) async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let connection = try await global.connectDatabase(logger: logger)
            let record = try await InstanceStore(connection: connection).get(instance)
            let http = HTTPClient(logger: logger)
            let client = DHIS2Client(instance: record.instance, http: http, logger: logger)
            let result: Result<Void, any Error>
            do { result = .success(try await body(client)) } catch { result = .failure(error) }
            await http.shutdown()
            try result.get()
        }
    }

    /// Prints one notification: a table row, or a JSON line.
    func show(_ notification: JobNotification) {
        if json {
            emitJSONLine(NotificationLine(notification))
        } else {
            let level = notification.level.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
            print("\(notification.time ?? "")  \(level)  \(notification.message ?? "")")
        }
    }

    /// Announces a started job and, with `watch`, prints its notifications until it ends; a job that ends at
    /// ERROR level is an error.
    func follow(_ job: JobReference, watch: Bool, client: DHIS2Client, announce: Bool = true) async throws {
        if announce {
            if json {
                emitJSONLine(["job": job.id, "jobType": job.jobType])
            } else {
                print("\(instance): started \(job.jobType) job \(job.id)")
            }
        }
        guard watch else { return }
        let terminal = try await client.awaitCompletion(job, interval: interval) { show($0) }
        if terminal.isFailure {
            throw CLIError("\(job.jobType) job \(job.id) failed: \(terminal.message ?? "no message")")
        }
    }
}

/// A notification as a JSON line.
struct NotificationLine: Encodable {
    var job: String?
    var uid: String
    var level: String
    var category: String?
    var time: String?
    var message: String?
    var completed: Bool

    init(_ notification: JobNotification, job: String? = nil) {
        self.job = job
        uid = notification.uid
        level = notification.level.rawValue
        category = notification.category?.rawValue
        time = notification.time
        message = notification.message
        completed = notification.completed
    }
}

/// Writes one value as one line of JSON (keys sorted) on stdout.
func emitJSONLine(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value), let line = String(data: data, encoding: .utf8) else { return }
    print(line)
}

/// Prints rows under a header, each column as wide as its widest cell; the last column is not padded.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { column in
        all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
    }
    for row in all {
        let cells = row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
    }
}
