import DHIS2Periods
import Curl
import DHIS2Simulator
import JSONStream
import Testing

@Suite("GET /api/dataValueSets")
struct ExportTests {
    @Test func readAccessErrors() async throws {
        // Same seed, same UIDs: learn them from one simulator, restrict the user of a second.
        let (set, otherSet, aoc, root, district, outside) = try await SimulatorHarness.with { sim in
            let units = sim.metadata.organisationUnits
            let districts = units.filter { $0.level == 3 }
            return (
                sim.dataSet(code: "DS_RH_MONTHLY").identity.id, sim.dataSet(code: "DS_EPI_MONTHLY").identity.id,
                sim.metadata.categoryOptionCombos.first { $0.identity.id != "HllvX50cXC0" }?.identity.id ?? "",
                sim.root.identity.id, districts[0].identity.id, districts[districts.count - 1].identity.id
            )
        }
        let restricted: (inout SimulatorConfiguration) -> Void = {
            $0.readAccess.unreadableDataSets = [otherSet]
            $0.readAccess.unreadableAttributeOptionCombos = [aoc]
            $0.readAccess.dataViewRoots = [district]
        }
        try await SimulatorHarness.with(configure: restricted) { sim in
            let cases: [([(String, String)], String, String)] = [
                ([("dataSet", otherSet), ("period", "202401"), ("orgUnit", district)], "E2010", otherSet),
                (
                    [("dataSet", set), ("period", "202401"), ("orgUnit", district), ("attributeOptionCombo", aoc)],
                    "E2011", aoc
                ),
                ([("dataSet", set), ("period", "202401"), ("orgUnit", root), ("children", "true")], "E2012", root),
                ([("dataSet", set), ("period", "202401"), ("orgUnit", outside)], "E2012", outside),
            ]
            for (query, code, uid) in cases {
                let reply = try await sim.get("/api/dataValueSets", query)
                #expect(reply.status == 409, "\(query)")
                #expect(reply.json?["errorCode"]?.stringValue == code, "\(query)")
                #expect(reply.json?["message"]?.stringValue?.contains("`\(uid)`") == true, "\(query)")
            }
            // Inside the hierarchy and readable: served.
            let allowed = try await sim.get(
                "/api/dataValueSets",
                [("dataSet", set), ("period", "202401"), ("orgUnit", district), ("children", "true")]
            )
            #expect(allowed.status == 200)
        }
    }

    @Test func validationErrors() async throws {
        try await SimulatorHarness.with { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
            let root = sim.root.identity.id
            let cases: [([(String, String)], String)] = [
                ([("period", "202401"), ("orgUnit", root)], "E2001"),
                ([("dataSet", "unknownSet1"), ("period", "202401"), ("orgUnit", root)], "E2001"),
                ([("dataSet", set), ("orgUnit", root)], "E2002"),
                (
                    [
                        ("dataSet", set), ("period", "202401"), ("startDate", "2024-01-01"), ("endDate", "2024-02-01"),
                        ("orgUnit", root),
                    ], "E2003"
                ),
                (
                    [("dataSet", set), ("startDate", "2024-03-01"), ("endDate", "2024-02-01"), ("orgUnit", root)],
                    "E2004"
                ),
                ([("dataSet", set), ("lastUpdatedDuration", "10x"), ("orgUnit", root)], "E2005"),
                ([("dataSet", set), ("period", "202401")], "E2006"),
                ([("dataSet", set), ("period", "202401"), ("orgUnit", "doesNotExis")], "E2006"),
                ([("dataSet", set), ("period", "202401"), ("children", "true")], "E2008"),
                ([("dataSet", set), ("period", "202401"), ("orgUnit", root), ("limit", "-1")], "E2009"),
            ]
            for (query, code) in cases {
                let reply = try await sim.get("/api/dataValueSets", query)
                #expect(reply.status == 409, "\(query)")
                #expect(reply.json?["errorCode"]?.stringValue == code, "\(query)")
                #expect(reply.json?["status"]?.stringValue == "ERROR")
                #expect(reply.json?.keys.last == "errorCode")
                #expect(reply.headers.first(name: "Cache-Control") == "no-cache, private")
            }
        }
    }

    /// ≤ 2.42 tests every rule and reports the last that failed; 2.43 stops at the first (reference §1.2).
    @Test(arguments: [ServerVersion.v2_40, ServerVersion.v2_43])
    func firstReportedErrorFollowsTheVersion(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version) { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
            let root = sim.root.identity.id
            let group = sim.metadata.organisationUnitGroups[0].identity.id
            let modern = version == .v2_43
            let cases: [([(String, String)], String, String)] = [
                ([("orgUnit", root), ("limit", "-1")], "E2009", "E2001"),
                ([("period", "202401"), ("children", "true")], "E2008", "E2001"),
                ([("dataSet", set), ("children", "true")], "E2008", "E2002"),
                ([("dataSet", set), ("lastUpdatedDuration", "5y")], "E2006", "E2005"),
                (
                    [("dataSet", set), ("period", "202401"), ("orgUnitGroup", group), ("children", "true")], "E2008",
                    "E2007"
                ),
                (
                    [
                        ("dataSet", set), ("period", "202401"), ("orgUnit", root), ("orgUnitGroup", group),
                        ("children", "true"),
                    ],
                    "E2007", "E2007"
                ),
                (
                    [("dataSet", set), ("startDate", "2024-03-01"), ("endDate", "2024-02-01"), ("limit", "-2")],
                    "E2009", "E2004"
                ),
            ]
            for (query, old, new) in cases {
                let reply = try await sim.get("/api/dataValueSets", query)
                #expect(reply.status == 409, "\(query)")
                #expect(reply.json?["errorCode"]?.stringValue == (modern ? new : old), "\(query)")
            }
            let e2007 = try await sim.get(
                "/api/dataValueSets",
                [
                    ("dataSet", set), ("period", "202401"), ("orgUnit", root), ("orgUnitGroup", group),
                    ("children", "true"),
                ]
            )
            #expect(
                e2007.json?["message"]?.stringValue
                    == "Organisation unit children cannot be included for organisation unit groups"
            )
            let limit = try await sim.get(
                "/api/dataValueSets",
                [("dataSet", set), ("period", "202401"), ("orgUnit", root), ("limit", "-3")]
            )
            #expect(limit.json?["message"]?.stringValue == "Limit cannot be less than zero: `-3`")
        }
    }

    /// `orgUnitGroup` selects the group's members themselves (no children), alone or with `orgUnit`; its ids
    /// follow the general `inputIdScheme`.
    @Test func orgUnitGroups() async throws {
        try await SimulatorHarness.with(values: 20_000) { sim in
            let metadata = sim.metadata
            let set = sim.dataSet(code: "DS_RH_MONTHLY")
            let elements = Set(set.elements.map { metadata.dataElements[$0.dataElement].identity.id })
            #expect(metadata.organisationUnitGroups.count == 3)
            let group = metadata.organisationUnitGroups[1]
            let members = Set(group.members.map { metadata.organisationUnits[$0].identity.id })
            #expect(!members.isEmpty)
            var expected = 0
            sim.simulator.forEachValue { value in
                if elements.contains(value.dataElement ?? ""), value.period?.hasPrefix("2024") == true,
                    members.contains(value.orgUnit ?? ""), value.deleted != true
                {
                    expected += 1
                }
            }
            let range: [(String, String)] = [
                ("dataSet", set.identity.id), ("startDate", "2024-01-01"), ("endDate", "2024-12-31"),
            ]
            for groupID in [group.identity.id, group.identity.code!] {
                let scheme: [(String, String)] =
                    groupID == group.identity.code ? [("inputIdScheme", "CODE"), ("inputDataSetIdScheme", "UID")] : []
                let (_, values) = try Self.decode(
                    try await sim.get("/api/dataValueSets", range + scheme + [("orgUnitGroup", groupID)])
                )
                #expect(values.count == expected)
                #expect(values.allSatisfy { members.contains($0.orgUnit ?? "") })
            }
            #expect(expected > 0)
            // With an org unit as well: the union.
            let outsider = metadata.organisationUnits.first { $0.level == 4 && !members.contains($0.identity.id) }!
            let (_, union) = try Self.decode(
                try await sim.get(
                    "/api/dataValueSets",
                    range + [("orgUnitGroup", group.identity.id), ("orgUnit", outsider.identity.id)]
                )
            )
            #expect(Set(union.compactMap(\.orgUnit)).contains(outsider.identity.id))
            #expect(union.count > expected)
            // An unknown group resolves to nothing: E2006.
            let unknown = try await sim.get("/api/dataValueSets", range + [("orgUnitGroup", "XXXXXXXXXXX")])
            #expect(unknown.json?["errorCode"]?.stringValue == "E2006")
        }
    }

    /// Decodes an export with JSONStream (which also proves the body is complete JSON).
    static func decode(_ reply: SimulatorHarness.Reply) throws -> (DataValueSetHeader, [DataValue]) {
        try DataValueSetDecoder.decode(reply.body)
    }

    @Test func singleDataValueSetHeaderAndValueLayout() async throws {
        try await SimulatorHarness.with { sim in
            let set = sim.dataSet(code: "DS_MORB_MONTHLY").identity.id
            let reply = try await sim.get(
                "/api/dataValueSets",
                [("dataSet", set), ("period", "202501"), ("orgUnit", sim.root.identity.id), ("children", "true")]
            )
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Length") == nil)
            let json = try #require(reply.json)
            #expect(json.keys == ["dataSet", "completeDate", "period", "orgUnit", "dataValues"])
            #expect(json["completeDate"] == .null)
            let values = try #require(json["dataValues"]?.arrayValue)
            #expect(!values.isEmpty)
            for value in values {
                #expect(
                    value.keys == [
                        "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value",
                        "storedBy", "created", "lastUpdated", "comment", "followup",
                    ]
                )
                #expect(value["created"]?.stringValue?.hasSuffix("+0000") == true)
                #expect(value["period"]?.stringValue == "202501")
            }
            #expect(values.contains { $0["comment"] == .null })
            // Two org units: no header.
            let plain = try await sim.get(
                "/api/dataValueSets",
                [
                    ("dataSet", set), ("period", "202501"), ("orgUnit", sim.root.identity.id),
                    ("orgUnit", sim.facility.identity.id),
                ]
            )
            #expect(plain.json?.keys == ["dataValues"])
        }
    }

    @Test func emptyResult() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let reply = try await sim.get(
                "/api/dataValueSets",
                [
                    ("dataElement", sim.dataElement(code: "DE_ANC1").identity.id), ("period", "202401"),
                    ("orgUnit", sim.root.identity.id),
                ]
            )
            #expect(reply.text == #"{"dataValues":[]}"#)
        }
    }

    @Test func childrenFollowPathsAndCountsMatchTheStore() async throws {
        try await SimulatorHarness.with(values: 20_000) { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY")
            let elements = Set(set.elements.map { sim.metadata.dataElements[$0.dataElement].identity.id })
            let district = sim.metadata.organisationUnits.first { $0.level == 3 }!
            var expected = 0
            var expectedDeleted = 0
            sim.simulator.forEachValue { value in
                guard elements.contains(value.dataElement ?? ""), value.period?.hasPrefix("2024") == true else {
                    return
                }
                let unit = sim.metadata.organisationUnits.first { $0.identity.id == value.orgUnit }!
                guard unit.path.hasPrefix(district.path) else { return }
                if value.deleted == true { expectedDeleted += 1 } else { expected += 1 }
            }
            let query: [(String, String)] = [
                ("dataSet", set.identity.id), ("startDate", "2024-01-01"), ("endDate", "2024-12-31"),
                ("orgUnit", district.identity.id), ("children", "true"),
            ]
            let (_, values) = try Self.decode(try await sim.get("/api/dataValueSets", query))
            #expect(values.count == expected)
            #expect(expected > 0)
            #expect(values.allSatisfy { $0.deleted == nil })
            let (_, all) = try Self.decode(
                try await sim.get("/api/dataValueSets", query + [("includeDeleted", "true")])
            )
            #expect(all.count == expected + expectedDeleted)
            #expect(all.filter { $0.deleted == true }.count == expectedDeleted)
            // Without children only the district itself, which carries no generated values.
            let (_, own) = try Self.decode(try await sim.get("/api/dataValueSets", Array(query.dropLast())))
            #expect(own.isEmpty)
            let (_, limited) = try Self.decode(try await sim.get("/api/dataValueSets", query + [("limit", "7")]))
            #expect(limited.count == 7)
        }
    }

    @Test func periodContainment() async throws {
        try await SimulatorHarness.with(values: 50_000) { sim in
            let set = sim.dataSet(code: "DS_POP_YEARLY").identity.id
            let base: [(String, String)] = [("dataSet", set), ("orgUnit", sim.root.identity.id), ("children", "true")]
            let (_, half) = try Self.decode(
                try await sim.get(
                    "/api/dataValueSets",
                    base + [("startDate", "2024-01-01"), ("endDate", "2024-06-30")]
                )
            )
            #expect(half.isEmpty)
            let (_, whole) = try Self.decode(
                try await sim.get(
                    "/api/dataValueSets",
                    base + [("startDate", "2024-01-01"), ("endDate", "2024-12-31")]
                )
            )
            #expect(!whole.isEmpty)
            #expect(whole.allSatisfy { $0.period == "2024" })
            let weekly = sim.dataSet(code: "DS_IDSR_WEEKLY").identity.id
            let (_, weeks) = try Self.decode(
                try await sim.get(
                    "/api/dataValueSets",
                    [
                        ("dataSet", weekly), ("orgUnit", sim.root.identity.id), ("children", "true"),
                        ("startDate", "2024-01-01"), ("endDate", "2024-01-31"),
                    ]
                )
            )
            #expect(Set(weeks.compactMap(\.period)).isSubset(of: ["2024W1", "2024W2", "2024W3", "2024W4"]))
        }
    }

    @Test func lastUpdatedAndSchemes() async throws {
        try await SimulatorHarness.with { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
            let base: [(String, String)] = [("dataSet", set), ("orgUnit", sim.root.identity.id), ("children", "true")]
            let (_, recent) = try Self.decode(
                try await sim.get("/api/dataValueSets", base + [("lastUpdated", "2025-05-01")])
            )
            #expect(!recent.isEmpty)
            let cutoff = try #require(Timestamp(parsing: "2025-05-01"))
            #expect(recent.allSatisfy { Timestamp(parsing: $0.lastUpdated!)! >= cutoff })
            let (_, coded) = try Self.decode(
                try await sim.get("/api/dataValueSets", base + [("period", "202501"), ("idScheme", "CODE")])
            )
            #expect(!coded.isEmpty)
            #expect(
                coded.allSatisfy { $0.dataElement?.hasPrefix("DE_") == true && $0.orgUnit?.hasPrefix("OU_") == true }
            )
            #expect(coded.allSatisfy { $0.categoryOptionCombo == "default" })
            let attribute = sim.metadata.attributes[0].identity.id
            let reply = try await sim.get(
                "/api/dataValueSets",
                base + [("period", "202501"), ("orgUnitIdScheme", "ATTRIBUTE:\(attribute)")]
            )
            let values = try #require(reply.json?["dataValues"]?.arrayValue)
            #expect(values.contains { $0["orgUnit"] == .null })
            #expect(values.contains { $0["orgUnit"]?.stringValue?.hasPrefix("SK_OU_") == true })
        }
    }

    @Test func version243TimestampsHaveNoOffset() async throws {
        try await SimulatorHarness.with(version: .v2_43) { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
            let reply = try await sim.get(
                "/api/dataValueSets",
                [("dataSet", set), ("orgUnit", sim.root.identity.id), ("children", "true"), ("period", "202501")]
            )
            let (_, values) = try Self.decode(reply)
            #expect(!values.isEmpty)
            #expect(values.allSatisfy { $0.created?.count == 23 && $0.lastUpdated?.contains("+") == false })
        }
    }

    @Test func gzipCompression() async throws {
        try await SimulatorHarness.with { sim in
            let set = sim.dataSet(code: "DS_RH_MONTHLY").identity.id
            let reply = try await sim.get(
                "/api/dataValueSets",
                [
                    ("dataSet", set), ("orgUnit", sim.root.identity.id), ("children", "true"), ("period", "202501"),
                    ("compression", "gzip"),
                ]
            )
            #expect(reply.status == 200)
            #expect(Array(reply.body.prefix(2)) == [0x1F, 0x8B])
            #expect(reply.headers.first(name: "Content-Disposition")?.contains("dataValues.json.gz") == true)
        }
    }
}
