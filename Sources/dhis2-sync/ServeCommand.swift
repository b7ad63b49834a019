import ArgumentParser
import Curl
import DHIS2
import Foundation
import Logging
import Metrics
import Postgres
import Prometheus
import ServiceLifecycle
import Sync
import UnixSignals

/// The daemon: every enabled pair runs incrementally on its interval until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run every enabled pair incrementally on its interval (for systemd); SIGTERM stops cleanly."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let settings = try global.runnerSettings()
            let serve = try global.serveSettings()
            let connection = try await global.connectDatabase(logger: logger)
            // Migrating is idempotent and takes a lock: a daemon upgraded in place brings its schema along.
            _ = try await SchemaMigrator(migrations: try SchemaMigration.bundled(), logger: logger).migrate(connection)
            let (host, port) = serve.listen
            // The endpoint has a connection of its own: a health check must not queue behind a run.
            let endpointConnection = try await global.connectDatabase(logger: logger)
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let heartbeat = SchedulerHeartbeat()
            let notifier = SystemdNotifier()
            let scheduler = PairScheduler(
                connection: connection,
                settings: settings,
                defaultInterval: serve.default,
                pairIntervals: serve.pairs,
                notifier: notifier,
                heartbeat: heartbeat,
                logger: logger
            )
            let endpoint = ServeEndpoint.application(
                host: host,
                port: port,
                registry: registry,
                connection: endpointConnection,
                heartbeat: heartbeat,
                logger: logger
            )
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [
                        // The scheduler ending (SIGTERM) ends the endpoint too.
                        .init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup),
                        .init(service: endpoint),
                    ],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await group.run()
            await connection.close()
            await endpointConnection.close()
            logger.info("serve stopped")
        }
    }
}

/// Runs due pairs one at a time; a pair another process holds is skipped until its next turn.
struct PairScheduler: Service {
    let connection: PostgresConnection
    let settings: SyncRunner.Settings
    let defaultInterval: Duration
    let pairIntervals: [String: Duration]
    let notifier: SystemdNotifier
    let heartbeat: SchedulerHeartbeat
    let logger: Logger

    func run() async throws {
        let watchdog = notifier.watchdogInterval.map { interval in
            Task {
                while !Task.isCancelled {
                    notifier.notify("WATCHDOG=1")
                    try? await Task.sleep(for: interval)
                }
            }
        }
        defer { watchdog?.cancel() }
        notifier.notify("READY=1\nSTATUS=scheduling pairs")
        logger.info("serve started: pairs run every \(defaultInterval) unless configured otherwise")
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                await loop()
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1")
            logger.info("stopping: a run in progress is abandoned cleanly and resumes on the next start")
        }
    }

    private func loop() async {
        let clock = ContinuousClock()
        let epoch = clock.now
        func now() -> Double { (clock.now - epoch) / .seconds(1) }
        var schedule = Schedule()
        let runner = SyncRunner(connection: connection, settings: settings, logger: logger)
        while !Task.isCancelled {
            heartbeat.beat(running: nil)
            let pairs: [Pair]
            do {
                pairs = try await trackEnabledPairs(&schedule, now: now())
            } catch {
                logger.error("cannot read the pairs from PostgreSQL: \(error); retrying in a minute")
                try? await Task.sleep(for: .seconds(60))
                continue
            }
            guard let (name, wait) = schedule.next(now: now()) else {
                try? await Task.sleep(for: .seconds(60))
                continue
            }
            if wait > .zero {
                // Wake at least every minute: pairs enabled, disabled or added meanwhile are picked up.
                try? await Task.sleep(for: min(wait, .seconds(60)))
                continue
            }
            guard let pair = pairs.first(where: { $0.name == name }) else { continue }
            let start = now()
            heartbeat.beat(running: name)
            let result = await runOnce(pair, runner: runner)
            schedule.finished(pair: name, start: start, result: result, now: now())
        }
    }

    /// Reads the enabled pairs and their last incremental start into the schedule.
    private func trackEnabledPairs(_ schedule: inout Schedule, now: Double) async throws -> [Pair] {
        let pairs = try await PairStore(connection: connection).enabled()
        let ages = try await connection.query(
            """
            SELECT p.name, extract(epoch FROM now() - max(r.started_at))::float8
            FROM pairs p LEFT JOIN runs r ON r.pair_id = p.id AND r.kind = 'incremental' AND NOT r.dry_run
            WHERE p.enabled GROUP BY p.name
            """
        )
        var lastStart: [String: Double] = [:]
        for row in ages {
            let (name, age) = try row.decode((String, Double?).self)
            if let age { lastStart[name] = now - age }
        }
        schedule.retain(Set(pairs.map(\.name)))
        for pair in pairs {
            schedule.track(
                pair: pair.name,
                interval: pairIntervals[pair.name] ?? defaultInterval,
                lastStart: lastStart[pair.name],
                now: now
            )
        }
        return pairs
    }

    private func runOnce(_ pair: Pair, runner: SyncRunner) async -> Schedule.Result {
        var logger = logger
        logger[metadataKey: "pair"] = "\(pair.name)"
        notifier.notify("STATUS=syncing \(pair.name)")
        defer { notifier.notify("STATUS=waiting") }
        let http = HTTPClient(logger: logger)
        let source = DHIS2Client(instance: pair.source, http: http, logger: logger)
        let destination = DHIS2Client(instance: pair.destination, http: http, logger: logger)
        let result: Result<SyncRunner.Outcome, any Error>
        do {
            result = .success(try await runner.run(pair, .incremental(), source: source, destination: destination))
        } catch {
            result = .failure(error)
        }
        // Shut down before the next turn, not in a detached task that may outlive the loop.
        await http.shutdown()
        do {
            let outcome = try result.get()
            let counts = outcome.counts
            logger.info(
                """
                run \(outcome.runID ?? 0) \(outcome.state): \(outcome.slicesDone)/\(outcome.slices) slices, \
                \(counts.valuesRead) values read, \(counts.conflicts) conflicts
                """,
                metadata: ["run": "\(outcome.runID ?? 0)"]
            )
            return outcome.state == "done" ? .done : .failed
        } catch let error as SyncError where error.code == .locked {
            logger.notice("skipped: \(error.message)")
            return .locked
        } catch {
            logger.error("run failed: \(error)")
            return .failed
        }
    }
}
