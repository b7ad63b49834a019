import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Postgres
import Prometheus
import ServiceLifecycle
import Synchronization

/// What the scheduler tells the health endpoint: that its loop still turns, and what it is doing.
final class SchedulerHeartbeat: Sendable {
    private let state = Mutex<(last: ContinuousClock.Instant, running: String?)>((ContinuousClock.now, nil))

    func beat(running pair: String?) {
        state.withLock { $0 = (ContinuousClock.now, pair) }
    }

    /// Alive when the loop turned within `limit`, or is inside a run (runs may take hours).
    func isAlive(limit: Duration = .seconds(180)) -> Bool {
        state.withLock { $0.running != nil || ContinuousClock.now - $0.last < limit }
    }

    var running: String? { state.withLock { $0.running } }
}

/// `serve`'s HTTP endpoint: `/metrics` (Prometheus text format) and `/healthz`.
enum ServeEndpoint {
    struct Health: Encodable {
        struct LastRun: Encodable {
            var pair: String
            var run: Int?
            var kind: String?
            var state: String?
            var finishedAt: String?
        }
        var status: String
        var database: String
        var scheduler: String
        var syncing: String?
        var pairs: [LastRun]
    }

    /// The Hummingbird application; `listening` gets the bound address once it accepts connections.
    static func application(
        host: String,
        port: Int,
        registry: PrometheusCollectorRegistry,
        connection: PostgresConnection,
        heartbeat: SchedulerHeartbeat,
        logger: Logger
    ) -> some Service {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            // Gauges that come from the database are brought up to date at each scrape.
            try? await updateWatermarkLag(connection)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        router.get("healthz") { _, _ -> Response in
            let health = await health(connection, heartbeat)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = (try? encoder.encode(health)) ?? Data("{\"status\":\"unhealthy\"}".utf8)
            return Response(
                status: health.status == "ok" ? .ok : .serviceUnavailable,
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" }
                logger.info("metrics and health endpoint listening on http://\(address ?? "\(host):\(port)")")
            },
            logger: logger
        )
    }

    static func health(_ connection: PostgresConnection, _ heartbeat: SchedulerHeartbeat) async -> Health {
        var pairs: [Health.LastRun] = []
        let database: String
        do {
            pairs = try await connection.query(
                """
                SELECT p.name, r.id, r.kind, r.state,
                       to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM pairs p
                LEFT JOIN LATERAL (
                    SELECT id, kind, state, finished_at FROM runs WHERE pair_id = p.id AND NOT dry_run
                    ORDER BY id DESC LIMIT 1
                ) r ON true
                WHERE p.enabled ORDER BY p.name
                """
            ).map { row in
                let (pair, run, kind, state, finished) = try row.decode(
                    (String, Int?, String?, String?, String?).self
                )
                return Health.LastRun(pair: pair, run: run, kind: kind, state: state, finishedAt: finished)
            }
            database = "ok"
        } catch {
            database = "unreachable: \(oneLine(error))"
        }
        let alive = heartbeat.isAlive()
        return Health(
            status: database == "ok" && alive ? "ok" : "unhealthy",
            database: database,
            scheduler: alive ? "ok" : "stalled",
            syncing: heartbeat.running,
            pairs: pairs
        )
    }

    /// `dhis2_sync_watermark_lag_seconds{pair}`: how long since the pair's least recently advanced
    /// watermark moved, on this host's database clock.
    static func updateWatermarkLag(_ connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT p.name, extract(epoch FROM now() - min(w.advanced_at))::float8
            FROM pairs p JOIN watermarks w ON w.pair_id = p.id WHERE p.enabled GROUP BY p.name
            """
        )
        for row in rows {
            let (pair, lag) = try row.decode((String, Double).self)
            Gauge(label: "dhis2_sync_watermark_lag_seconds", dimensions: [("pair", pair)]).record(lag)
        }
    }
}
