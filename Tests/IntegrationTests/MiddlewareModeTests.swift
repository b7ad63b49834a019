import DHIS2
import DHIS2Simulator
import Foundation
import Logging
import Postgres
import Sync
import TestSupport
import Testing

/// Middleware mode (`pair add --via URL`): batches go to a queue endpoint (the in-process ``MiddlewareStub``,
/// which hands accepted batches to the destination simulator the way a middleware delivers them), and every
/// answer is kept in `middleware_batches`.
@Suite("Middleware mode against PostgreSQL, two simulators and a queue stub", .enabled(if: TestDatabase.available))
struct MiddlewareModeTests {
    /// A second pair between the harness's instances that posts to `url`.
    static func viaPair(
        _ harness: SyncHarness,
        url: String,
        authentication: DHIS2Authentication?
    ) async throws -> Pair {
        var definition = Pair.Definition(name: "via-national", source: "source", destination: "destination")
        definition.includeDeleted = true
        definition.batchSize = 200
        definition.viaURL = url
        definition.viaAuthentication = authentication
        let store = PairStore(connection: harness.connection)
        try await store.add(definition)
        let pair = try await store.get("via-national")
        _ = try await PairRefresher(catalog: PairCatalog(connection: harness.connection), logger: harness.logger)
            .refresh(pair, source: harness.sourceClient)
        return pair
    }

    static func runner(_ harness: SyncHarness, concurrency: Int = 4) -> SyncRunner {
        var settings = SyncRunner.Settings()
        settings.maxAttempts = 2
        settings.retryDelay = .milliseconds(20)
        settings.concurrency = concurrency
        return SyncRunner(connection: harness.connection, settings: settings, logger: harness.logger)
    }

    /// A June 2024 backlog run of `pair`.
    static func runJune(
        _ harness: SyncHarness,
        _ pair: Pair,
        runner: SyncRunner? = nil
    ) async throws -> SyncRunner.Outcome {
        try await (runner ?? Self.runner(harness)).run(
            pair,
            SyncRunner.Request(selection: .month(6, of: 2024)),
            source: harness.sourceClient,
            destination: harness.destinationClient
        )
    }

    static func rows(_ harness: SyncHarness, runID: Int?) async throws -> [MiddlewareLedger.Row] {
        try await MiddlewareLedger(connection: harness.connection).batches(runID: try #require(runID))
    }

    @Test func aViaPairQueuesEveryBatchWithItsQueryAndCredential() async throws {
        try await SyncHarness.with { harness in
            setenv("DHIS2_SYNC_TEST_MW_PASSWORD", "queue-secret-4711", 1)
            let stub = try await MiddlewareStub.start(
                credential: .basic(username: "sync", password: "queue-secret-4711"),
                forwardingTo: harness.destination,
                logger: harness.logger
            )
            let password = CredentialReference(.environment("DHIS2_SYNC_TEST_MW_PASSWORD"))
            let pair = try await Self.viaPair(
                harness,
                url: stub.url,
                authentication: .basic(username: "sync", password: password)
            )
            #expect(pair.viaAuthentication == .basic(username: "sync", password: password))

            let outcome = try await Self.runJune(harness, pair)
            #expect(outcome.state == "done")
            #expect(outcome.slicesFailed == 0)
            // The middleware queued the values: the destination's import counts are not ours to report.
            #expect(outcome.counts.imported == 0)

            let received = stub.received
            #expect(received.count > 1)
            #expect(received.allSatisfy { $0.authorized && $0.status == 202 })
            let dataSets = Set(
                try await PairCatalog(connection: harness.connection).dataSets(pairID: pair.id).map(\.uid)
            )
            for request in received {
                #expect(request.query["source"] == "source")
                #expect(request.query["destination"] == "destination")
                #expect(dataSets.contains(request.query["dataSet"] ?? ""))
                #expect(request.query["period"]?.hasPrefix("2024") == true)
                #expect(request.query["orgUnit"]?.count == 11)
                #expect(["CREATE_AND_UPDATE", "DELETE"].contains(request.query["importStrategy"] ?? ""))
                #expect(request.query["dryRun"] == nil)
                #expect(request.valueCount > 0 && request.valueCount <= 200)
                #expect(request.bodyBytes > request.valueCount * 50)
            }
            let queued = received.reduce(0) { $0 + $1.valueCount }
            #expect(queued == outcome.counts.valuesRead)

            // One row per batch, matching what the middleware saw; the answer is its receipt.
            let rows = try await Self.rows(harness, runID: outcome.runID)
            #expect(rows.count == received.count)
            #expect(rows.allSatisfy { $0.accepted && $0.httpStatus == 202 && $0.answer.contains("\"queued\"") })
            #expect(rows.map(\.valueCount).sorted() == received.map(\.valueCount).sorted())
            #expect(rows.allSatisfy { $0.sliceID != nil && $0.batchNumber >= 1 })
            #expect(
                outcome.middleware == "middleware \(stub.url) accepted \(rows.count) batch(es), \(queued) values queued"
            )

            // Delivered by the stub, the data is what a direct sync would have written.
            let report = try await harness.verify(.month(6, of: 2024))
            #expect(report.isEqual, "\(report.samples)")
            #expect(report.matching > 10)
            // The direct pair posted nothing to the middleware, and a direct run records no batches.
            let direct = try await harness.run(.month(6, of: 2024))
            #expect(direct.middleware == nil)
            #expect(stub.received.count == received.count)
            #expect(try await Self.rows(harness, runID: direct.runID).isEmpty)

            // A dry run asks the middleware with dryRun=true and records nothing.
            var dryRequest = SyncRunner.Request(selection: .month(6, of: 2024))
            dryRequest.dryRun = true
            let dry = try await Self.runner(harness).run(
                pair,
                dryRequest,
                source: harness.sourceClient,
                destination: harness.destinationClient
            )
            #expect(dry.runID == nil && dry.state == "done")
            let asked = stub.received.dropFirst(received.count)
            #expect(asked.count == received.count)
            #expect(asked.allSatisfy { $0.query["dryRun"] == "true" && $0.status == 202 })
            let recorded = try await harness.connection.query("SELECT count(*) FROM middleware_batches")
            #expect(try recorded[0].decode(Int.self, at: 0) == rows.count)
            await stub.stop()
        }
    }

    @Test func aRefusedBatchFailsTheSliceAndARerunCompletesIt() async throws {
        try await SyncHarness.with { harness in
            setenv("DHIS2_SYNC_TEST_MW_TOKEN", "queue-token-0815", 1)
            let stub = try await MiddlewareStub.start(
                credential: .bearer("queue-token-0815"),
                forwardingTo: harness.destination,
                logger: harness.logger
            )
            let pair = try await Self.viaPair(
                harness,
                url: stub.url,
                authentication: .token(CredentialReference(.environment("DHIS2_SYNC_TEST_MW_TOKEN")))
            )
            // One slice at a time, so both attempts of the first slice meet the unavailable queue.
            stub.failNext(2, status: 503)
            let runner = Self.runner(harness, concurrency: 1)
            let first = try await Self.runJune(harness, pair, runner: runner)
            #expect(first.state == "failed")
            #expect(first.slicesFailed == 1)
            #expect(first.slicesDone == first.slices - 1)
            let refused = try await Self.rows(harness, runID: first.runID).filter { !$0.accepted }
            #expect(refused.count == 2)
            #expect(refused.allSatisfy { $0.httpStatus == 503 && $0.batchNumber == 1 })
            let middleware = try #require(first.middleware)
            #expect(middleware.contains("refused 2, last: HTTP 503: "), "\(middleware)")
            #expect(!middleware.contains("\n"))
            let errors = try await harness.connection.query(
                "SELECT last_error FROM slices WHERE run_id = $1 AND state = 'failed'",
                [first.runID]
            ).map { try $0.decode(String.self, at: 0) }
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("the middleware refused a batch of ") == true, "\(errors)")
            #expect(errors.first?.contains("HTTP 503") == true)

            let rerun = try await Self.runJune(harness, pair, runner: runner)
            #expect(rerun.resumed)
            #expect(rerun.runID == first.runID)
            #expect(rerun.state == "done")
            #expect(rerun.slicesFailed == 0)
            #expect(stub.received.filter { $0.status == 503 }.count == 2)
            let report = try await harness.verify(.month(6, of: 2024))
            #expect(report.isEqual, "\(report.samples)")
            await stub.stop()
        }
    }

    @Test func aWrongCredentialIsRecordedAs401AndReportedWithoutTheSecret() async throws {
        try await SyncHarness.with { harness in
            setenv("DHIS2_SYNC_TEST_MW_WRONG", "wrong-token-5678", 1)
            let stub = try await MiddlewareStub.start(credential: .bearer("right-token-1234"), logger: harness.logger)
            let pair = try await Self.viaPair(
                harness,
                url: stub.url,
                authentication: .token(CredentialReference(.environment("DHIS2_SYNC_TEST_MW_WRONG")))
            )
            let outcome = try await Self.runJune(harness, pair)
            #expect(outcome.state == "failed")
            #expect(outcome.slicesDone == 0)
            #expect(stub.received.allSatisfy { !$0.authorized && $0.status == 401 })
            let rows = try await Self.rows(harness, runID: outcome.runID)
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { !$0.accepted && $0.httpStatus == 401 })
            let middleware = try #require(outcome.middleware)
            #expect(middleware.contains("accepted 0 batch(es)"))
            #expect(middleware.contains("last: HTTP 401: {\"status\":\"unauthorized\""), "\(middleware)")
            #expect(!middleware.contains("\n"))
            let stored = try await harness.connection.query(
                """
                SELECT coalesce(string_agg(last_error, ' '), '') FROM slices WHERE run_id = $1
                UNION ALL SELECT string_agg(answer, ' ') FROM middleware_batches WHERE run_id = $1
                """,
                [outcome.runID]
            ).map { try $0.decode(String.self, at: 0) }.joined()
            #expect(stored.contains("HTTP 401"))
            #expect(!"\(stored)\(middleware)".contains("5678"))
            #expect(harness.destination.writtenValues().isEmpty)
            await stub.stop()
        }
    }

    @Test func theCommandLineDefinesShowsAndRunsAViaPair() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let logger = Logger(label: "test.cli.via")
        let source = try await DHIS2Simulator.start(SyncHarness.sourceConfiguration(), logger: logger)
        defer { Task { await source.stop() } }
        let destination = try await DHIS2Simulator.start(SyncHarness.destinationConfiguration(), logger: logger)
        defer { Task { await destination.stop() } }
        let stub = try await MiddlewareStub.start(credential: .bearer("right-token-1234"), logger: logger)
        defer { Task { await stub.stop() } }

        // One attempt per slice: the refusals are the point, not the back-off.
        let config = try ChildCommand.file(#"{"sync": {"maxAttempts": 1}}"#)
        let cli = try await CLISession.start(
            database: TestDatabase.conninfo(configuration),
            source: source,
            destination: destination,
            environment: ["MW_TOKEN": "wrong-token-5678"]
        )
        let pairAdd = ["pair", "add", "via", "--source", "hmis", "--destination", "repo"]
        // Bad combinations are one line each, before anything is stored.
        for (arguments, expected) in [
            (["--via-token-env", "MW_TOKEN"], "give --via URL too"),
            (["--via", stub.url, "--via-username", "u"], "--via-password-env VAR"),
            (["--via", stub.url, "--via-token-env", "MW_TOKEN", "--via-token-file", "t"], "one of --via-token-env"),
            (["--via", "http://u:p@mw.example/queue"], "must not carry credentials"),
        ] {
            let result = try await cli(pairAdd + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        var result = try await cli(pairAdd + ["--via", stub.url, "--via-token-env", "MW_TOKEN"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await cli(["pair", "show", "via"])
        #expect(result.stdout.contains("via             \(stub.url) (bearer token (env:MW_TOKEN))"), "\(result.stdout)")

        result = try await cli(["run", "--pair", "via", "--year", "2024", "--month", "6", "--config", config.path])
        #expect(result.status == 1)
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("middleware") })
        #expect(line.contains("accepted 0 batch(es)") && line.contains("HTTP 401"), "\(result.stdout)")
        #expect(!result.stdout.contains("5678") && !result.stderr.contains("5678"))
        #expect(result.stderr.split(separator: "\n").last?.contains("run did not complete for via") == true)
        #expect(stub.received.count > 0)
        #expect(stub.received.allSatisfy { $0.status == 401 })
    }
}
