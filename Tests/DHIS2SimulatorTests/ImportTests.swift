import Curl
import DHIS2Simulator
import JSONStream
import Testing

@Suite("POST /api/dataValueSets")
struct ImportTests {
    /// A JSON payload; each value is (dataElement, period, orgUnit, value, extra JSON members).
    static func payload(header: String = "", _ values: [(String, String, String, String?, String)]) -> String {
        let rows = values.map { element, period, unit, value, extra in
            let valueJSON = value.map { "\"value\":\"\($0)\"," } ?? ""
            return
                "{\(valueJSON)\"dataElement\":\"\(element)\",\"period\":\"\(period)\",\"orgUnit\":\"\(unit)\"\(extra)}"
        }
        return "{\(header)\"dataValues\":[\(rows.joined(separator: ","))]}"
    }

    static func count(_ reply: SimulatorHarness.Reply) -> [Int] {
        let count = reply.json?["response"]?["importCount"]
        return ["imported", "updated", "ignored", "deleted"].map { count?[$0]?.intValue ?? -1 }
    }

    @Test func decisionTableOn240() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let anc = sim.dataElement(code: "DE_ANC4").identity.id
            let unit = sim.facility.identity.id
            func post(_ json: String, _ query: [(String, String)] = []) async throws -> SimulatorHarness.Reply {
                try await sim.post("/api/dataValueSets", query, json: json)
            }
            // New value: imported, envelope (a).
            let created = try await post(Self.payload([(anc, "202401", unit, "12", "")]))
            #expect(created.status == 200)
            let json = try #require(created.json)
            #expect(json.keys == ["httpStatus", "httpStatusCode", "status", "message", "response"])
            #expect(json["message"]?.stringValue == "Import was successful.")
            #expect(json["response"]?["responseType"]?.stringValue == "ImportSummary")
            #expect(json["response"]?["importOptions"]?["importStrategy"]?.stringValue == "CREATE_AND_UPDATE")
            #expect(json["response"]?["description"]?.stringValue == "Import process completed successfully")
            #expect(json["response"]?["dataSetComplete"]?.stringValue == "false")
            #expect(Self.count(created) == [1, 0, 0, 0])
            // Same again: ignored (unchanged), not rejected.
            let same = try await post(Self.payload([(anc, "202401", unit, "12", "")]))
            #expect(Self.count(same) == [0, 0, 1, 0])
            #expect(same.json?["response"]?["rejectedIndexes"]?.arrayValue == [])
            // Changed: updated.
            #expect(Self.count(try await post(Self.payload([(anc, "202401", unit, "13", "")]))) == [0, 1, 0, 0])
            // CREATE on existing: ignored and rejected, no conflict, 200 SUCCESS.
            let create = try await post(Self.payload([(anc, "202401", unit, "14", "")]), [("importStrategy", "CREATE")])
            #expect(create.status == 200)
            #expect(Self.count(create) == [0, 0, 1, 0])
            #expect(create.json?["response"]?["rejectedIndexes"]?.arrayValue == [.int(0)])
            #expect(create.json?["response"]?["conflicts"]?.arrayValue == [])
            // UPDATE on a missing value: ignored.
            let update = try await post(Self.payload([(anc, "202402", unit, "5", "")]), [("importStrategy", "UPDATE")])
            #expect(Self.count(update) == [0, 0, 1, 0])
            // Inline deleted: soft delete counted deleted; the row stays, flagged.
            let inline = try await post(Self.payload([(anc, "202401", unit, "13", ",\"deleted\":true")]))
            #expect(Self.count(inline) == [0, 0, 0, 1])
            let row = try #require(sim.simulator.storedValue(dataElement: anc, period: "202401", orgUnit: unit))
            #expect(row.deleted == true)
            #expect(row.value == "13")
            // DELETE on the soft-deleted row: nothing left to delete.
            let again = try await post(Self.payload([(anc, "202401", unit, "13", "")]), [("importStrategy", "DELETE")])
            #expect(Self.count(again) == [0, 0, 1, 0])
            // Re-create over the tombstone: imported.
            #expect(Self.count(try await post(Self.payload([(anc, "202401", unit, "20", "")]))) == [1, 0, 0, 0])
            // DELETE strategy on a live row: deleted.
            let delete = try await post(Self.payload([(anc, "202401", unit, "20", "")]), [("strategy", "DELETE")])
            #expect(Self.count(delete) == [0, 0, 0, 1])
            // A zero for a data element whose zeros are not significant is skipped on create.
            #expect(Self.count(try await post(Self.payload([(anc, "202403", unit, "0", "")]))) == [0, 0, 1, 0])
            #expect(sim.simulator.storedValue(dataElement: anc, period: "202403", orgUnit: unit) == nil)
            // dryRun writes nothing.
            let dry = try await post(Self.payload([(anc, "202404", unit, "3", "")]), [("dryRun", "true")])
            #expect(Self.count(dry) == [1, 0, 0, 0])
            #expect(sim.simulator.storedValue(dataElement: anc, period: "202404", orgUnit: unit) == nil)
        }
    }

    @Test func conflictsOn240() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let anc = sim.dataElement(code: "DE_ANC1").identity.id
            let malaria = sim.dataElement(code: "DE_MAL_CONF").identity.id
            let unit = sim.facility.identity.id
            let body = Self.payload([
                (anc, "202401", unit, "1", ""),
                ("XXXXXXXXXXX", "202401", unit, "1", ""),
                (anc, "2024W54", unit, "1", ""),
                ("XXXXXXXXXXX", "202402", unit, "1", ""),
                (anc, "202401", "YYYYYYYYYYY", "1", ""),
                (anc, "202402", unit, nil, ""),
                (malaria, "202401", unit, "0", ""),
                (anc, "202405", unit, "1", ",\"categoryOptionCombo\":\"ZZZZZZZZZZZ\""),
                (anc, "202406", unit, "1", ",\"attributeOptionCombo\":\"ZZZZZZZZZZZ\""),
                (anc, "203001", unit, "1", ""),
                (anc, "2024Sep", unit, "1", ""),
            ])
            let reply = try await sim.post("/api/dataValueSets", json: body)
            #expect(reply.status == 409)
            let json = try #require(reply.json)
            #expect(json["status"]?.stringValue == "WARNING")
            #expect(json["message"]?.stringValue == "One more conflicts encountered, please check import summary.")
            let summary = try #require(json["response"])
            #expect(summary["status"]?.stringValue == "WARNING")
            #expect(Self.count(reply) == [1, 0, 10, 0])
            #expect(summary["rejectedIndexes"]?.arrayValue?.compactMap(\.intValue) == Array(1...10))
            let conflicts = try #require(summary["conflicts"]?.arrayValue)
            let byCode = Dictionary(grouping: conflicts) { $0["errorCode"]?.stringValue ?? "" }
            #expect(
                Set(byCode.keys) == ["E7610", "E7611", "E7612", "E7618", "E7619", "E7613", "E7615", "E7641"]
            )
            let missing = try #require(byCode["E7610"]?.first)
            #expect(missing.keys == ["object", "objects", "value", "errorCode", "property", "indexes"])
            #expect(missing["value"]?.stringValue == "Data element not found or not accessible: `XXXXXXXXXXX`")
            #expect(missing["objects"]?["dataElement"]?.stringValue == "XXXXXXXXXXX")
            #expect(missing["indexes"]?.arrayValue == [.int(1), .int(3)])
            #expect(byCode["E7611"]?.count == 2)  // 2024W54, and FinancialSep unknown on 2.40
            #expect(byCode["E7611"]?.first?["value"]?.stringValue == "Period not valid: `2024W54`")
            #expect(byCode["E7611"]?.first?["property"]?.stringValue == "period")
        }
    }

    @Test func headerAbort() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let anc = sim.dataElement(code: "DE_ANC1").identity.id
            let body = Self.payload(
                header: "\"dataSet\":\"abcdefghijk\",",
                [(anc, "202401", sim.facility.identity.id, "1", "")]
            )
            let reply = try await sim.post("/api/dataValueSets", json: body)
            #expect(reply.status == 409)
            let json = try #require(reply.json)
            #expect(json["status"]?.stringValue == "ERROR")
            #expect(json["message"]?.stringValue == "An error occurred, please check import summary.")
            #expect(json["response"]?["description"]?.stringValue == "Import process was aborted")
            #expect(json["response"]?["dataSetComplete"] == nil)
            let conflict = try #require(json["response"]?["conflicts"]?[0])
            #expect(conflict["errorCode"]?.stringValue == "E7600")
            #expect(conflict["indexes"] == nil)
            #expect(sim.simulator.writtenValues().isEmpty)
        }
    }

    @Test func idSchemesAndCompleteness() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY")
            let unit = sim.facility
            let body =
                "{\"dataSet\":\"DS_RH_MONTHLY\",\"period\":\"202402\",\"orgUnit\":\"\(unit.identity.code!)\",\"completeDate\":\"2024-03-02\","
                + "\"dataValues\":[{\"dataElement\":\"DE_ANC4\",\"value\":\"8\",\"categoryOptionCombo\":\"default\"}]}"
            let reply = try await sim.post("/api/dataValueSets", [("idScheme", "CODE")], json: body)
            #expect(reply.status == 200)
            #expect(
                reply.json?["response"]?["importOptions"]?["idSchemes"]?["idScheme"]?["type"]?.stringValue == "CODE"
            )
            #expect(reply.json?["response"]?["dataSetComplete"]?.stringValue == "2024-03-02")
            let export = try await sim.get(
                "/api/dataValueSets",
                [("dataSet", set.identity.id), ("period", "202402"), ("orgUnit", unit.identity.id)]
            )
            #expect(export.json?["completeDate"]?.stringValue?.hasPrefix("2024-03-02") == true)
            #expect(export.json?["dataValues"]?[0]?["value"]?.stringValue == "8")
        }
    }

    @Test func version243Behaviour() async throws {
        try await SimulatorHarness.with(version: .v2_43, empty: true) { sim in
            let anc1 = sim.dataElement(code: "DE_ANC1").identity.id  // in two data sets
            let anc4 = sim.dataElement(code: "DE_ANC4").identity.id
            let unit = sim.facility.identity.id
            let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
            // Ambiguous data set without envelope: the whole chunk is refused.
            let ambiguous = try await sim.post(
                "/api/dataValueSets",
                json: Self.payload([(anc4, "202401", unit, "1", ""), (anc1, "202401", unit, "1", "")])
            )
            #expect(ambiguous.status == 409)
            #expect(ambiguous.json?["response"]?["conflicts"]?[0]?["errorCode"]?.stringValue == "E8002")
            #expect(sim.simulator.writtenValues().isEmpty)
            // With the envelope: creates are counted as updated; warnings answer 200.
            let header = "\"dataSet\":\"\(set)\","
            let created = try await sim.post(
                "/api/dataValueSets",
                json: Self.payload(header: header, [(anc1, "202401", unit, "1", "")])
            )
            #expect(created.status == 200)
            #expect(Self.count(created) == [0, 1, 0, 0])
            let warning = try await sim.post(
                "/api/dataValueSets",
                json: Self.payload(
                    header: header,
                    [(anc1, "202402", unit, "2", ""), ("XXXXXXXXXXX", "202402", unit, "2", "")]
                )
            )
            #expect(warning.status == 200)
            #expect(warning.json?["status"]?.stringValue == "WARNING")
            #expect(
                warning.json?["message"]?.stringValue == "Import completed with warnings, please check import summary."
            )
            // CREATE overwrites an existing value.
            let create = try await sim.post(
                "/api/dataValueSets",
                [("importStrategy", "CREATE")],
                json: Self.payload(header: header, [(anc1, "202401", unit, "9", "")])
            )
            #expect(Self.count(create) == [0, 1, 0, 0])
            #expect(sim.simulator.storedValue(dataElement: anc1, period: "202401", orgUnit: unit)?.value == "9")
        }
    }

    @Test func asyncImportAsAJob() async throws {
        for version in [ServerVersion.v2_40, .v2_43] {
            try await SimulatorHarness.with(version: version, empty: true) { sim in
                let anc = sim.dataElement(code: "DE_ANC4").identity.id
                let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
                let body = Self.payload(
                    header: "\"dataSet\":\"\(set)\",",
                    [(anc, "202401", sim.facility.identity.id, "4", "")]
                )
                let kickoff = try await sim.post("/api/dataValueSets", [("async", "true")], json: body)
                #expect(kickoff.status == 200)
                let response = try #require(kickoff.json?["response"])
                #expect(response["responseType"] == nil)
                #expect(response["jobType"]?.stringValue == "DATAVALUE_IMPORT")
                let id = try #require(response["id"]?.stringValue)
                #expect(response["relativeNotifierEndpoint"]?.stringValue == "/api/system/tasks/DATAVALUE_IMPORT/\(id)")
                var done = false
                for _ in 0..<200 where !done {
                    let tasks = try await sim.get("/api/system/tasks/DATAVALUE_IMPORT/\(id)")
                    done = tasks.json?[0]?["completed"]?.boolValue == true
                    if !done { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(done)
                var summary: JSONValue?
                for _ in 0..<200 where summary == nil {
                    let reply = try await sim.get("/api/system/taskSummaries/DATAVALUE_IMPORT/\(id)")
                    #expect(reply.status == 200)
                    summary = reply.body.isEmpty ? nil : reply.json
                    if summary == nil { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(summary?["responseType"]?.stringValue == "ImportSummary")
                #expect(summary?["status"]?.stringValue == "SUCCESS")
                let all = try await sim.get("/api/system/tasks")
                #expect(all.json?["DATAVALUE_IMPORT"]?[id] != nil)
            }
        }
    }

    @Test func malformedAndUnsupportedBodies() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let broken = try await sim.post("/api/dataValueSets", json: "{\"dataValues\":[{\"dataElement\":")
            #expect(broken.status == 409)
            #expect(
                broken.json?["response"]?["description"]?.stringValue?.hasPrefix("The import process failed") == true
            )
            let xml = try await sim.post("/api/dataValueSets", json: "<dataValueSet/>", contentType: "application/xml")
            #expect(xml.status == 415)
            let legacy = try await sim.post("/api/37/dataValueSets", json: "{\"dataValues\":[]}")
            #expect(legacy.status == 200)
            #expect(legacy.json?["responseType"]?.stringValue == "ImportSummary")
        }
    }
}
