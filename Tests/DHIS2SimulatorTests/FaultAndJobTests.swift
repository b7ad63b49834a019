import Curl
import DHIS2Simulator
import JSONStream
import Testing

@Suite("Faults, inspection and maintenance")
struct FaultAndJobTests {
    @Test func statusFaultsForTheNextRequests() async throws {
        try await SimulatorHarness.with { sim in
            sim.simulator.inject(Fault(.status(429, retryAfter: 3), path: "/api/system", count: 2))
            let first = try await sim.get("/api/system/info")
            #expect(first.status == 429)
            #expect(first.headers.first(name: "Retry-After") == "3")
            #expect(try await sim.get("/api/me").status == 200)  // other route unaffected
            #expect(try await sim.get("/api/system/info").status == 429)
            #expect(try await sim.get("/api/system/info").status == 200)
            #expect(sim.simulator.activeFaults.isEmpty)
            let log = sim.simulator.requestLog
            #expect(log.map(\.status) == [429, 200, 429, 200])
            #expect(log[0].path == "/api/system/info")
            #expect(log[3].bytesOut > 0)
        }
    }

    @Test func truncatedExportKeeps200() async throws {
        try await SimulatorHarness.with { sim in
            sim.simulator.inject(Fault(.truncateExport(afterValues: 3), path: "/api/dataValueSets"))
            let query: [(String, String)] = [
                ("dataSet", sim.dataSet(code: "DS_RH_MONTHLY").identity.id), ("startDate", "2024-01-01"),
                ("endDate", "2024-12-31"), ("orgUnit", sim.root.identity.id), ("children", "true"),
            ]
            let reply = try await sim.get("/api/dataValueSets", query)
            #expect(reply.status == 200)
            #expect(throws: JSONStreamError.self) { try DataValueSetDecoder.decode(reply.body) }
            let full = try await sim.get("/api/dataValueSets", query)
            #expect(throws: Never.self) { try DataValueSetDecoder.decode(full.body) }
        }
    }

    @Test func connectionResetMidBody() async throws {
        try await SimulatorHarness.with(values: 20_000) { sim in
            sim.simulator.inject(Fault(.resetConnection(afterBytes: 1000), path: "/api/dataValueSets"))
            let query: [(String, String)] = [
                ("dataSet", sim.dataSet(code: "DS_RH_MONTHLY").identity.id), ("startDate", "2023-01-01"),
                ("endDate", "2025-12-31"), ("orgUnit", sim.root.identity.id), ("children", "true"),
            ]
            await #expect(throws: (any Error).self) { _ = try await sim.get("/api/dataValueSets", query) }
        }
    }

    @Test func maintenanceStatusByVersion() async throws {
        try await SimulatorHarness.with(version: .v2_40) { sim in
            let reply = try await sim.send(.post, "/api/maintenance/categoryOptionComboUpdate")
            #expect(reply.status == 204)
            #expect(try await sim.send(.post, "/api/maintenance", [("analyticsTablesClear", "true")]).status == 204)
        }
        try await SimulatorHarness.with(version: .v2_43) { sim in
            let reply = try await sim.send(.post, "/api/maintenance/categoryOptionComboUpdate")
            #expect(reply.status == 200)
            #expect(reply.json?["status"]?.stringValue == "OK")
        }
    }

    @Test func analyticsJob() async throws {
        let slowJobs: (inout SimulatorConfiguration) -> Void = { $0.jobDelay = .milliseconds(30) }
        try await SimulatorHarness.with(configure: slowJobs) { sim in
            let kickoff = try await sim.send(.post, "/api/resourceTables/analytics", [("skipEvents", "true")])
            #expect(kickoff.status == 200)
            #expect(kickoff.json?["response"]?["jobType"]?.stringValue == "ANALYTICS_TABLE")
            let id = try #require(kickoff.json?["response"]?["id"]?.stringValue)
            let busy = try await sim.send(.post, "/api/resourceTables/analytics")
            #expect(busy.status == 409)
            var done = false
            for _ in 0..<300 where !done {
                let tasks = try await sim.get("/api/system/tasks/ANALYTICS_TABLE/\(id)")
                done = tasks.json?[0]?["completed"]?.boolValue == true
                if !done { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(done)
            let tasks = try #require(try await sim.get("/api/system/tasks/ANALYTICS_TABLE/\(id)").json?.arrayValue)
            #expect(tasks.count == 6)
            #expect(tasks.first?.keys == ["uid", "level", "category", "time", "message", "completed", "id"])
        }
    }
}
