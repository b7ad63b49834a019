import Curl
import DHIS2Simulator
import Foundation
import Postgres
import Sync
import TestSupport
import Testing

/// `dhis2-sync serve` as systemd runs it: a child process, JSON logs, the pair lock, SIGTERM.
@Suite("dhis2-sync serve", .enabled(if: TestDatabase.available))
struct ServeTests {
    @Test func servesPairsOnTheirIntervalSkipsLockedOnesAndStopsCleanlyOnSIGTERM() async throws {
        try await SyncHarness.with { harness in
            let config = try ChildCommand.file(
                #"{"serve": {"intervalSeconds": 10, "listen": "127.0.0.1:0"}, "sync": {"retryDelaySeconds": 0.1}}"#
            )
            defer { try? FileManager.default.removeItem(at: config) }

            // Another process holds the pair: serve must skip it and say so, not wait or run it.
            let key = PostgresConnection.advisoryKey("dhis2-sync.pair.\(harness.pair.id)")
            #expect(try await harness.connection.tryAdvisoryLock(key))

            let child = try ChildCommand(
                ["serve", "--config", config.path, "--log-format", "json"],
                environment: ["DHIS2_SYNC_DATABASE_URL": TestDatabase.conninfo(harness.databaseConfiguration)]
            )
            func logLines() throws -> [[String: Any]] {
                try child.errorOutput.split(separator: "\n").map { line in
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
                    return try #require(object as? [String: Any], "not a JSON object: \(line)")
                }
            }

            let skipped = try await ChildCommand.wait {
                try logLines().contains { ($0["message"] as? String)?.contains("skipped") == true }
            }
            #expect(skipped, "\(child.errorOutput)")
            #expect(try await harness.connection.query("SELECT count(*) FROM runs")[0].decode(Int.self, at: 0) == 0)
            try await harness.connection.advisoryUnlock(key)

            // Released: the next turn (the retry wait is the 10 s interval) runs the pair incrementally.
            let ran = try await ChildCommand.wait {
                try await harness.connection.query(
                    "SELECT count(*) FROM runs WHERE kind = 'incremental' AND state = 'done'"
                )[0].decode(Int.self, at: 0) > 0
            }
            #expect(ran, "\(child.errorOutput)")
            #expect(!harness.destination.writtenValues().isEmpty)

            // The endpoint: its address is in the log (port 0 picks a free one).
            let announced = try logLines().compactMap { $0["message"] as? String }
                .first { $0.contains("endpoint listening on http://") }
            let base = try #require(announced?.split(separator: " ").last.map(String.init))
            let http = HTTPClient(logger: harness.logger)
            let health = try await http.send(HTTPClientRequest(url: base + "/healthz"))
            #expect(health.status == 200)
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any]
            )
            #expect(report["status"] as? String == "ok" && report["database"] as? String == "ok")
            let pairs = try #require(report["pairs"] as? [[String: Any]])
            #expect(pairs.contains { $0["pair"] as? String == "national" && $0["state"] as? String == "done" })
            let metrics = String(
                decoding: try await http.send(HTTPClientRequest(url: base + "/metrics")).body,
                as: UTF8.self
            )
            await http.shutdown()
            for expected in [
                #"dhis2_sync_values_total{pair="national",outcome="read"}"#,
                #"dhis2_sync_values_total{pair="national",outcome="imported"}"#,
                #"dhis2_sync_runs_total{pair="national",kind="incremental",state="done"} 1"#,
                #"dhis2_sync_run_duration_seconds_bucket{pair="national",kind="incremental""#,
                #"dhis2_sync_slice_duration_seconds_count{pair="national"}"#,
                #"dhis2_sync_last_success_timestamp_seconds{pair="national"}"#,
                #"dhis2_sync_watermark_lag_seconds{pair="national"}"#,
            ] {
                #expect(metrics.contains(expected), "\(expected) not in:\n\(metrics)")
            }
            // Labels never carry UIDs.
            let dataSets = try await PairCatalog(connection: harness.connection).dataSets(pairID: harness.pair.id)
            #expect(dataSets.allSatisfy { !metrics.contains($0.uid) })

            child.signal(SIGTERM)
            #expect(await child.exitStatus() == 0, "\(child.errorOutput)")
            #expect(
                try await harness.connection.query("SELECT count(*) FROM runs WHERE state = 'running'")[0]
                    .decode(Int.self, at: 0) == 0
            )
            let lines = try logLines()
            #expect(lines.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
            #expect(lines.contains { $0["pair"] as? String == "national" && $0["run"] != nil })
            #expect(lines.contains { ($0["message"] as? String)?.contains("stopping") == true })
        }
    }

    @Test func killedMidRunTheRerunResumesAndConverges() async throws {
        try await SyncHarness.with { harness in
            // Slow imports, so the kill lands in the middle of the run.
            harness.destination.inject(
                Fault(.delay(.milliseconds(25)), path: "/api/dataValueSets", method: "POST", count: nil)
            )
            let environment = ["DHIS2_SYNC_DATABASE_URL": TestDatabase.conninfo(harness.databaseConfiguration)]
            let child = try ChildCommand(["run", "--pair", "national", "--year", "2024"], environment: environment)
            func sliceCount(_ state: String) async throws -> Int {
                try await harness.connection.query("SELECT count(*) FROM slices WHERE state = $1", [state])[0]
                    .decode(Int.self, at: 0)
            }
            #expect(try await ChildCommand.wait { try await sliceCount("done") >= 15 }, "\(child.errorOutput)")
            child.signal(SIGKILL)
            #expect(await child.exitStatus() == 128 + SIGKILL)
            let doneAtKill = try await sliceCount("done")
            let total = try await harness.connection.query("SELECT count(*) FROM slices")[0].decode(Int.self, at: 0)
            #expect(doneAtKill < total)
            // The dead process left its run marked running; nothing it did not finish is marked done.
            #expect(
                try await harness.connection.query("SELECT state FROM runs")[0].decode(String.self, at: 0)
                    == "running"
            )

            harness.destination.clearFaults()
            let clock = ContinuousClock()
            let started = clock.now
            let rerun = try await harness.run(.year(2024))
            let seconds = (clock.now - started).components.seconds
            #expect(rerun.resumed)
            #expect(rerun.state == "done")
            #expect(rerun.slicesDone == total)
            #expect(try await harness.verify(.year(2024)).isEqual)
            print(
                "kill -9 convergence: killed after \(doneAtKill)/\(total) slices; the rerun resumed run "
                    + "\(rerun.runID ?? 0), did \(total - doneAtKill) slices in ~\(seconds) s, destination == source"
            )
        }
    }

    @Test func sigtermMidRunExitsZeroAndTheNextStartResumes() async throws {
        try await SyncHarness.with { harness in
            harness.destination.inject(
                Fault(.delay(.milliseconds(25)), path: "/api/dataValueSets", method: "POST", count: nil)
            )
            let config = try ChildCommand.file(#"{"serve": {"intervalSeconds": 10, "listen": "127.0.0.1:0"}}"#)
            defer { try? FileManager.default.removeItem(at: config) }
            let environment = ["DHIS2_SYNC_DATABASE_URL": TestDatabase.conninfo(harness.databaseConfiguration)]
            func runs() async throws -> [(Int, String)] {
                try await harness.connection.query("SELECT id, state FROM runs ORDER BY id").map {
                    try $0.decode((Int, String).self)
                }
            }
            func doneSlices() async throws -> Int {
                try await harness.connection.query("SELECT count(*) FROM slices WHERE state = 'done'")[0]
                    .decode(Int.self, at: 0)
            }

            let first = try ChildCommand(["serve", "--config", config.path], environment: environment)
            #expect(try await ChildCommand.wait { try await doneSlices() >= 3 }, "\(first.errorOutput)")
            first.signal(SIGTERM)
            #expect(await first.exitStatus() == 0, "\(first.errorOutput)")
            let stopped = try await runs()
            #expect(stopped.count == 1 && stopped.first?.1 == "abandoned")
            #expect(
                try await harness.connection.query("SELECT count(*) FROM slices WHERE state = 'running'")[0]
                    .decode(Int.self, at: 0) == 0
            )

            harness.destination.clearFaults()
            let second = try ChildCommand(["serve", "--config", config.path], environment: environment)
            #expect(
                try await ChildCommand.wait { try await runs().first?.1 == "done" },
                "\(second.errorOutput)"
            )
            // The same run, resumed: no second run was started for the same window.
            #expect(try await runs().map(\.0) == stopped.map(\.0))
            second.signal(SIGTERM)
            #expect(await second.exitStatus() == 0)
        }
    }
}
