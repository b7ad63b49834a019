import Curl
import DHIS2
import DHIS2Simulator
import JSONStream
import Logging
import Metrics
import MetricsTestKit
import Testing

/// ``RetryPolicy`` in the client against the simulator's injected faults.
@Suite("DHIS2 client retries")
struct DHIS2ClientRetryTests {
    /// Tiny waits: where the wait itself is not under test, the test should not sit through it.
    static let quick = RetryPolicy(maximumAttempts: 4, initialDelay: .milliseconds(2), maximumDelay: .milliseconds(10))

    static func withClient<R: Sendable>(
        policy: RetryPolicy = quick,
        _ body: (DHIS2Client, DHIS2Simulator) async throws -> R
    ) async throws -> R {
        try await DHIS2ClientTests.withClient { client, simulator in
            var client = client
            client.retryPolicy = policy
            return try await body(client, simulator)
        }
    }

    static func requests(_ simulator: DHIS2Simulator, _ path: String) -> [Int] {
        simulator.requestLog.filter { $0.path == path }.map(\.status)
    }

    /// A streamed answer is logged when the server finished (or failed) writing it, which may come after the
    /// client is done: waits up to 5 s for `count` entries, then a little longer for any extra one.
    static func settled(_ simulator: DHIS2Simulator, _ path: String, count: Int) async throws -> [Int] {
        let deadline = ContinuousClock.now + .seconds(5)
        while requests(simulator, path).count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(100))
        return requests(simulator, path)
    }

    /// Metrics of this test process. The backend can be bootstrapped once per process; no other test does.
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    @Test func serviceUnavailableTwiceThenSuccess() async throws {
        let metrics = Self.metrics
        let before = metrics.counterTotal(label: "dhis2_client_retries_total", dimensions: [("reason", "http_503")])
        try await Self.withClient { client, simulator in
            simulator.inject(Fault(.status(503), path: "/api/system/info", count: 2))
            let info = try await client.systemInfo()
            #expect(info.version != nil)
            #expect(Self.requests(simulator, "/api/system/info") == [503, 503, 200])
        }
        // Every retry is counted (other tests may add to the total meanwhile, never take from it).
        let after = metrics.counterTotal(label: "dhis2_client_retries_total", dimensions: [("reason", "http_503")])
        #expect(after - before >= 2)
    }

    @Test func everyRetryIsLoggedWithoutSecrets() async throws {
        try await Self.withClient { client, simulator in
            let store = CapturingLogHandler.Store()
            let logger = Logger(label: "test.retry-log") { _ in CapturingLogHandler(store: store) }
            let http = HTTPClient(logger: DHIS2ClientTests.logger)
            var client = DHIS2Client(
                instance: client.instance,
                http: http,
                logger: logger,
                environment: ["SIM_PASSWORD": "district"]
            )
            client.retryPolicy = Self.quick
            simulator.inject(Fault(.status(502), path: "/api/system/info", count: 2))
            let answer: Result<SystemInfo, any Error>
            do { answer = .success(try await client.systemInfo()) } catch { answer = .failure(error) }
            await http.shutdown()
            _ = try answer.get()
            let retries = store.all.filter { $0.level == .warning }
            #expect(retries.map { $0.metadata["retry.attempt"]?.description } == ["1", "2"])
            #expect(retries.allSatisfy { $0.metadata["retry.reason"]?.description == "http_502" })
            #expect(retries.allSatisfy { $0.metadata["retry.wait_seconds"] != nil })
            #expect(retries.allSatisfy { $0.metadata["dhis2.endpoint"]?.description == "GET /api/system/info" })
            let text = store.all.map { "\($0.message) \($0.metadata)" }.joined()
            #expect(!text.contains("district"))
            #expect(!text.contains("http://"))
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await Self.withClient { client, simulator in
            simulator.inject(Fault(.status(429, retryAfter: 1), path: "/api/system/info", count: 1))
            let started = ContinuousClock.now
            _ = try await client.systemInfo()
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(900), "\(waited)")
            #expect(waited < .seconds(10), "\(waited)")
            #expect(Self.requests(simulator, "/api/system/info") == [429, 200])
        }
    }

    @Test(arguments: [500, 409, 404, 400])
    func statusesThatRepeatAreNotRetried(status: Int) async throws {
        try await Self.withClient { client, simulator in
            simulator.inject(Fault(.status(status), path: "/api/system/info", count: 1))
            let error = await #expect(throws: DHIS2Error.self) { try await client.systemInfo() }
            #expect(error?.httpStatus == status)
            #expect(Self.requests(simulator, "/api/system/info") == [status])
        }
    }

    @Test func exhaustedPolicyThrowsTheLastError() async throws {
        try await Self.withClient(policy: RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(1))) {
            client,
            simulator in
            // Every matching request consumes one use of every fault, so one fault stands for all tries.
            simulator.inject(Fault(.status(504), path: "/api/system/info", count: nil))
            let error = await #expect(throws: DHIS2Error.self) { try await client.systemInfo() }
            #expect(error?.code == .server)
            #expect(error?.httpStatus == 504)
            #expect(Self.requests(simulator, "/api/system/info") == [504, 504, 504])
        }
    }

    @Test func noneDisablesRetries() async throws {
        try await Self.withClient(policy: .none) { client, simulator in
            simulator.inject(Fault(.status(503), path: "/api/system/info", count: 1))
            let error = await #expect(throws: DHIS2Error.self) { try await client.systemInfo() }
            #expect(error?.httpStatus == 503)
            #expect(Self.requests(simulator, "/api/system/info") == [503])
        }
    }

    @Test func otherWritesAreNotRetried() async throws {
        try await Self.withClient { client, simulator in
            simulator.inject(Fault(.status(503), path: "/api/maintenance/cacheClear", count: 1))
            let error = await #expect(throws: DHIS2Error.self) { try await client.clearCache() }
            #expect(error?.httpStatus == 503)
            #expect(Self.requests(simulator, "/api/maintenance/cacheClear") == [503])
        }
    }

    /// A value the simulator accepts: the first element of a monthly data set at one of its facilities.
    static func acceptableValue(_ simulator: DHIS2Simulator) throws -> DataValue {
        let metadata = simulator.metadata
        let dataSet = try #require(metadata.dataSets.first { $0.periodType == "Monthly" })
        let element = metadata.dataElements[dataSet.elements[0].dataElement]
        let facility = metadata.organisationUnits[try #require(dataSet.organisationUnits.last)]
        return DataValue(dataElement: element.identity.id, period: "202401", orgUnit: facility.identity.id, value: "5")
    }

    @Test func idempotentImportIsRetriedCreateIsNot() async throws {
        try await Self.withClient { client, simulator in
            let value = try Self.acceptableValue(simulator)
            var options = DataValueImportOptions()
            simulator.inject(Fault(.status(503), path: "/api/dataValueSets", method: "POST", count: 1))
            let summary = try await client.importDataValues([value], options: options)
            #expect(summary.status == .success)
            #expect(Self.requests(simulator, "/api/dataValueSets") == [503, 200])

            simulator.clearRequestLog()
            options.importStrategy = "CREATE"
            simulator.inject(Fault(.status(503), path: "/api/dataValueSets", method: "POST", count: 1))
            let error = await #expect(throws: DHIS2Error.self) {
                try await client.importDataValues([value], options: options)
            }
            #expect(error?.httpStatus == 503)
            #expect(Self.requests(simulator, "/api/dataValueSets") == [503])
        }
    }

    @Test func exportRetriesItsHeadButNotAHalfConsumedBody() async throws {
        try await Self.withClient { client, simulator in
            let query = try DHIS2ClientDataValueTests.everything(simulator)
            simulator.inject(Fault(.status(503), path: "/api/dataValueSets", method: "GET", count: 1))
            var seen = 0
            let export = try await client.exportDataValues(query) { seen += $0.count }
            #expect(seen == export.valueCount)
            #expect(seen > 0)
            #expect(try await Self.settled(simulator, "/api/dataValueSets.json", count: 2) == [503, 200])

            // The connection drops before a whole value arrived: nothing was handed out, so the export starts over.
            simulator.clearRequestLog()
            simulator.inject(Fault(.resetConnection(afterBytes: 20), path: "/api/dataValueSets", method: "GET"))
            seen = 0
            let again = try await client.exportDataValues(query) { seen += $0.count }
            #expect(seen == again.valueCount)
            #expect(again.valueCount == export.valueCount)
            #expect(try await Self.settled(simulator, "/api/dataValueSets.json", count: 2).count == 2)

            // Values handed out, then the connection drops: the consumer must not see them twice.
            simulator.clearRequestLog()
            simulator.inject(Fault(.resetConnection(afterBytes: 2_000), path: "/api/dataValueSets", method: "GET"))
            seen = 0
            await #expect(throws: DHIS2Error.self) {
                try await client.exportDataValues(query) { seen += $0.count }
            }
            #expect(seen > 0)
            #expect(try await Self.settled(simulator, "/api/dataValueSets.json", count: 1).count == 1)
        }
    }
}
