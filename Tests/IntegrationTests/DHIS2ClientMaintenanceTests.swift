import Curl
import DHIS2
import DHIS2Simulator
import Foundation
import Logging
import Testing

/// Jobs, task notifications and maintenance through the client, against the simulator over real HTTP.
@Suite("DHIS2 client maintenance against the simulator")
struct DHIS2ClientMaintenanceTests {
    static let logger = Logger(label: "test.dhis2-maintenance")

    /// A simulator with quick jobs and a client for it, both stopped afterwards.
    static func withSimulator<R: Sendable>(
        version: ServerVersion = .v2_40,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (DHIS2Client, DHIS2Simulator) async throws -> R
    ) async throws -> R {
        var configuration = SimulatorConfiguration()
        configuration.version = version
        configuration.seed = 31
        configuration.valueCount = 50
        configuration.jobDelay = .milliseconds(10)
        configuration.hierarchy = .init(regions: 2, districtsPerRegion: 2, facilitiesPerDistrict: 3)
        configure(&configuration)
        let simulator = try await DHIS2Simulator.start(configuration, logger: logger)
        let http = HTTPClient(logger: logger)
        let auth = DHIS2Authentication.basic(username: "admin", password: try CredentialReference(parsing: "env:PW"))
        let client = DHIS2Client(
            instance: try DHIS2Instance(name: "maintained", baseURL: simulator.baseURL, authentication: auth),
            http: http,
            logger: logger,
            environment: ["PW": "district"]
        )
        let result: Result<R, any Error>
        do { result = .success(try await body(client, simulator)) } catch { result = .failure(error) }
        await http.shutdown()
        await simulator.stop()
        return try result.get()
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func analyticsJobReportsEachNotificationOnceAndEndsCompleted(version: ServerVersion) async throws {
        try await Self.withSimulator(version: version) { client, _ in
            var options = AnalyticsTableOptions(lastYears: 2)
            options.skipEvents = true
            let job = try await client.startAnalyticsRefresh(options)
            #expect(job.jobType == "ANALYTICS_TABLE")
            var seen: [JobNotification] = []
            let terminal = try await client.awaitCompletion(job, interval: .milliseconds(3)) { seen.append($0) }
            #expect(terminal.completed)
            #expect(!terminal.isFailure)
            #expect(terminal.category == .analyticsTable)
            #expect(terminal.message == "Analytics tables updated")
            #expect(seen.count == 6)
            #expect(Set(seen.map(\.uid)).count == seen.count)
            #expect(seen.last == terminal)
            #expect(seen.first?.message == "Analytics table update process started")
            // The feed itself, newest first, agrees.
            let feed = try await client.notifications(jobType: .analyticsTable, jobID: job.id)
            #expect(feed.map(\.uid) == seen.reversed().map(\.uid))
            #expect(feed.allSatisfy { $0.time?.count == 23 && $0.dataType == nil && $0.data == nil })
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func failedJobIsReturnedOnFirstSightAndThrownByTheWaitingCalls(version: ServerVersion) async throws {
        try await Self.withSimulator(version: version) { client, simulator in
            simulator.failNextJob("ANALYTICS_TABLE", message: "disk full")
            let job = try await client.startAnalyticsRefresh()
            var messages: [String] = []
            let terminal = try await client.awaitCompletion(job, interval: .milliseconds(3)) {
                messages.append($0.message ?? "")
            }
            #expect(terminal.isFailure)
            #expect(terminal.level == .error)
            #expect(terminal.message == "Process failed: disk full")
            #expect(messages.last == "Process failed: disk full")
            #expect(messages.count == 4)

            simulator.failNextJob("ANALYTICS_TABLE", message: "out of memory")
            let error = await #expect(throws: DHIS2Error.self) {
                try await client.refreshAnalytics(interval: .milliseconds(3))
            }
            #expect(error?.code == .server)
            #expect(error?.description.contains("out of memory") == true)
            // The failure was used up: the next refresh succeeds, with the options on the wire.
            var options = AnalyticsTableOptions(lastYears: 1)
            options.skipOutliers = true
            let done = try await client.refreshAnalytics(options, interval: .milliseconds(3))
            #expect(done.completed && !done.isFailure)
            let kickoffs = simulator.requestLog.filter { $0.path == "/api/resourceTables/analytics" }
            #expect(kickoffs.last?.query == "skipOutliers=true&lastYears=1")
        }
    }

    @Test func failureIsCapturedBeforeTheFeedIsCleared() async throws {
        // As on 2.44 (after about a second): the failed job's feed empties soon after the failure. Three
        // seconds leave room for a machine whose two cores run the whole suite and a build (half a second was
        // seen to be too little there); the poller looks every few milliseconds.
        let clearing: (inout SimulatorConfiguration) -> Void = { $0.failedJobFeedLifetime = .seconds(3) }
        try await Self.withSimulator(configure: clearing) { client, simulator in
            simulator.failNextJob("ANALYTICS_TABLE", message: "lost")
            let job = try await client.startAnalyticsRefresh()
            let terminal = try await client.awaitCompletion(job, interval: .milliseconds(3))
            #expect(terminal.isFailure && terminal.message == "Process failed: lost")
            var cleared = false
            for _ in 0..<200 where !cleared {
                try await Task.sleep(for: .milliseconds(50))
                cleared = try await client.notifications(jobType: .analyticsTable, jobID: job.id).isEmpty
            }
            #expect(cleared)
        }
    }

    @Test func oldServersListFewerCheckFields() async throws {
        try await Self.withSimulator(version: ServerVersion(minor: 38)) { client, _ in
            let checks = try await client.integrityChecks(selecting: ["datasets_empty"])
            #expect(checks.count == 1)
            #expect(checks.first?.label == "Data sets without data elements")
            #expect(checks.first?.code == nil && checks.first?.isSlow == nil && checks.first?.sectionOrder == nil)
        }
    }

    @Test func clearedFeedAndTimeoutAreErrors() async throws {
        // Three seconds between notifications: the clearing request and the poll after it land in one gap even
        // when the whole suite loads both cores (one second was seen to be too little: the next step's
        // notification arrived first and the feed never looked empty).
        let slowJobs: (inout SimulatorConfiguration) -> Void = { $0.jobDelay = .seconds(3) }
        try await Self.withSimulator(configure: slowJobs) { client, _ in
            let job = try await client.startAnalyticsRefresh()
            let timedOut = await #expect(throws: DHIS2Error.self) {
                try await client.awaitCompletion(job, interval: .milliseconds(20), timeout: .milliseconds(100))
            }
            #expect(timedOut?.code == .server)
            #expect(timedOut?.description.contains("did not finish") == true)

            // Once seen, a feed that empties (DELETE /api/system/tasks, or 2.44's clean-up) is not waited out.
            var clearing: Task<Void, any Error>?
            let cleared = await #expect(throws: DHIS2Error.self) {
                try await client.awaitCompletion(job, interval: .milliseconds(20), timeout: .seconds(30)) { _ in
                    if clearing == nil {
                        clearing = Task { _ = try await client.send(.delete, "system/tasks/ANALYTICS_TABLE") }
                    }
                }
            }
            #expect(cleared?.code == .unexpectedResponse)
            try await clearing?.value
        }
    }

    @Test func analyticsOptionsBecomeQueryItems() async throws {
        var options = AnalyticsTableOptions(lastYears: 0)
        #expect(options.queryItems.map { "\($0.name)=\($0.value ?? "")" } == ["lastYears=0"])
        options.skipResourceTables = true
        options.skipOutliers = true
        options.skipTrackedEntities = true
        #expect(
            options.queryItems.map { "\($0.name)=\($0.value ?? "")" } == [
                "skipResourceTables=true", "skipTrackedEntities=true", "skipOutliers=true", "lastYears=0",
            ]
        )
        #expect(AnalyticsTableOptions().queryItems.isEmpty)
    }

    @Test func notificationsDecodeUnknownTypesAndData() throws {
        let text = """
            [{"uid":"a1","level":"LOOP","category":"SOMETHING_NEW","time":"2025-01-01T00:00:00.000",
              "message":"m","completed":false,"dataType":"PARAMETERS","data":{"b":1,"a":[true,null]},"id":"a1"},
             {"id":"b2","completed":true}]
            """
        let decoded = try JSONDecoder().decode([JobNotification].self, from: Data(text.utf8))
        #expect(decoded[0].category == JobType("SOMETHING_NEW"))
        #expect(decoded[0].level == .loop)
        #expect(decoded[0].data == #"{"a":[true,null],"b":1}"#)
        #expect(decoded[1].uid == "b2")
        #expect(decoded[1].isTerminal)
        #expect(decoded[1].level == .info)
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func integrityReportMergesSummaryAndDetails(version: ServerVersion) async throws {
        try await Self.withSimulator(version: version) { client, _ in
            let checks = try await client.integrityChecks()
            #expect(checks.count == 14)
            #expect(checks.allSatisfy { $0.code != nil && $0.isSlow != nil && $0.issuesIdType != nil })
            let slow = try #require(checks.first { $0.isSlow == true })
            #expect(try await client.integrityChecks(selecting: ["*_no_data"]) == [slow])

            var categories = Set<JobType>()
            let report = try await client.integrityReport(interval: .milliseconds(3)) {
                categories.insert($0.category ?? JobType("?"))
            }
            #expect(categories == [.dataIntegrity, .dataIntegrityDetails])
            #expect(report.results.count == 13)
            #expect(report[slow.name] == nil)
            for result in report.ordered {
                #expect(result.issues?.count == result.count, "\(result.check.name)")
                #expect(result.finishedTime != nil && !result.failed)
            }
            let admin = try #require(report["users_with_all_authority"])
            #expect(admin.check.severity == .info)
            #expect(admin.percentage == 100)
            #expect(admin.issues?.first?.name == "admin")
            #expect(report.ordered.first?.check.severity == .critical)
            #expect(report.ordered.last?.check.severity == .info)
            #expect(!report.withIssues.isEmpty)
            #expect(report.failed.isEmpty)

            let summary = try await client.runIntegritySummary(checks: ["datasets_*"], interval: .milliseconds(3))
            #expect(Set(summary.results.keys) == ["datasets_empty", "datasets_not_assigned_to_org_units"])
            #expect(summary.results.values.allSatisfy { $0.issues == nil && $0.count == 0 })
        }
    }

    @Test func failedChecksAndFailedJobs() async throws {
        let failing: (inout SimulatorConfiguration) -> Void = { $0.failingIntegrityChecks = ["categories_no_options"] }
        try await Self.withSimulator(configure: failing) { client, simulator in
            let report = try await client.integrityReport(checks: ["categor*"], interval: .milliseconds(3))
            #expect(report.failed.map(\.check.name) == ["categories_no_options"])
            let broken = try #require(report["categories_no_options"])
            #expect(broken.count == -1 && broken.issueCount == nil && broken.error != nil)

            simulator.failNextJob("DATA_INTEGRITY", message: "database went away")
            let error = await #expect(throws: DHIS2Error.self) {
                try await client.runIntegritySummary(interval: .milliseconds(3))
            }
            #expect(error?.code == .server)
            #expect(error?.description.contains("database went away") == true)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func integrityIssuesStreamMostSevereFirstAndStopEarly(version: ServerVersion) async throws {
        try await Self.withSimulator(version: version) { client, simulator in
            var rows: [DataIntegrityIssueRow] = []
            for try await row in client.integrityIssues(interval: .milliseconds(3)) { rows.append(row) }
            let report = try await client.runIntegritySummary(interval: .milliseconds(3))
            #expect(rows.count == report.results.values.reduce(0) { $0 + ($1.count ?? 0) })
            #expect(rows.count > 1)
            #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.severity >= $1.severity })
            let admin = try #require(rows.first { $0.check == "users_with_all_authority" })
            #expect(admin.displayName == "Users with the ALL authority")
            #expect(admin.issue.comment == "ALL")

            simulator.clearRequestLog()
            var first: DataIntegrityIssueRow?
            for try await row in client.integrityIssues(interval: .milliseconds(3)) {
                first = row
                break
            }
            #expect(first == rows.first)
            let perCheck = simulator.requestLog.filter {
                $0.path.hasSuffix("/details") && $0.path.split(separator: "/").count == 4
            }
            #expect(perCheck.count < report.results.count)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func categoryOptionComboUpdateAndCacheClear(version: ServerVersion) async throws {
        try await Self.withSimulator(version: version) { client, simulator in
            try await client.updateCategoryOptionCombos()
            try await client.updateCategoryOptionCombos(categoryCombo: simulator.metadata.categoryCombos[0].identity.id)
            try await client.clearCache()
            let statuses = simulator.requestLog.map(\.status)
            #expect(statuses == (version == .v2_43 ? [200, 200, 200] : [204, 200, 204]))
            let error = await #expect(throws: DHIS2Error.self) {
                try await client.updateCategoryOptionCombos(categoryCombo: "NoSuchCombo")
            }
            #expect(error?.code == .conflict)
            #expect(error?.webMessage?.message == "CategoryCombo does not exist: NoSuchCombo")
        }
    }
}
