import Foundation
import Curl
import DHIS2Simulator
import JSONStream
import Testing

@Suite("Metadata")
struct MetadataTests {
    @Test func sameSeedSameMetadataAndDefaults() async throws {
        let first = try await SimulatorHarness.with(seed: 99) { $0.metadata }
        let second = try await SimulatorHarness.with(seed: 99, empty: true) { $0.metadata }
        #expect(first.organisationUnits.map(\.identity) == second.organisationUnits.map(\.identity))
        #expect(first.dataElements.map(\.identity.id) == second.dataElements.map(\.identity.id))
        #expect(first.categoryOptionCombos.contains { $0.identity.id == "HllvX50cXC0" })
        #expect(first.categoryCombos.contains { $0.identity.id == "bjDvmb4bfuf" })
        let other = try await SimulatorHarness.with(seed: 100) { $0.metadata }
        #expect(other.organisationUnits[0].identity.id != first.organisationUnits[0].identity.id)
        // Four levels, paths from the root, UID shape.
        #expect(Set(first.organisationUnits.map(\.level)) == [1, 2, 3, 4])
        for unit in first.organisationUnits {
            #expect(unit.path.hasSuffix("/" + unit.identity.id))
            #expect(unit.path.split(separator: "/").count == unit.level)
            let id = Array(unit.identity.id.utf8)
            #expect(id.count == 11 && ((id[0] >= 65 && id[0] <= 90) || (id[0] >= 97 && id[0] <= 122)))
        }
        // Period types and a data element in two data sets.
        #expect(
            Set(first.dataSets.map(\.periodType)).isSuperset(of: [
                "Daily", "Weekly", "Monthly", "Quarterly", "Yearly", "FinancialJuly",
            ])
        )
        #expect(first.dataSetsOfElement.contains { $0.count >= 2 })
    }

    @Test func largeHierarchy() async throws {
        let large: (inout SimulatorConfiguration) -> Void = { $0.hierarchy = .facilities(10_000) }
        try await SimulatorHarness.with(values: 100_000, configure: large) { sim in
            #expect(sim.metadata.organisationUnits.filter { $0.level == 4 }.count >= 10_000)
            let reply = try await sim.get("/api/organisationUnits", [("level", "4"), ("pageSize", "1")])
            #expect((reply.json?["pager"]?["total"]?.intValue ?? 0) >= 10_000)
        }
    }

    @Test func pagingFieldsAndFilters() async throws {
        try await SimulatorHarness.with { sim in
            let page = try #require(
                try await sim.get(
                    "/api/organisationUnits",
                    [("pageSize", "5"), ("page", "2"), ("fields", "id,name,parent[id,name]")]
                ).json
            )
            let total = sim.metadata.organisationUnits.count
            #expect(page["pager"]?["page"]?.intValue == 2)
            #expect(page["pager"]?["total"]?.intValue == total)
            #expect(page["pager"]?["pageSize"]?.intValue == 5)
            #expect(page["pager"]?["pageCount"]?.intValue == (total + 4) / 5)
            #expect(page["pager"]?["nextPage"]?.stringValue?.contains("page=3") == true)
            let units = try #require(page["organisationUnits"]?.arrayValue)
            #expect(units.count == 5)
            #expect(units[0].keys == ["id", "name", "parent"])
            #expect(units[0]["parent"]?.keys == ["id", "name"])

            let unpaged = try #require(try await sim.get("/api/organisationUnits", [("paging", "false")]).json)
            #expect(unpaged["pager"] == nil)
            #expect(unpaged["organisationUnits"]?.arrayValue?.count == total)
            #expect(unpaged["organisationUnits"]?[0]?.keys == ["id", "displayName"])

            let level2 = try await sim.get("/api/organisationUnits", [("level", "2"), ("paging", "false")])
            #expect(level2.json?["organisationUnits"]?.arrayValue?.count == 4)

            let facility = sim.facility
            let byParent = try await sim.get(
                "/api/organisationUnits",
                [
                    ("filter", "parent.id:eq:\(sim.metadata.organisationUnits[facility.parent!].identity.id)"),
                    ("paging", "false"),
                ]
            )
            #expect(byParent.json?["organisationUnits"]?.arrayValue?.count == 5)
            let byIn = try await sim.get(
                "/api/dataElements",
                [("filter", "code:in:[DE_ANC1,DE_BCG]"), ("paging", "false")]
            )
            #expect(byIn.json?["dataElements"]?.arrayValue?.count == 2)
            let byLike = try await sim.get("/api/dataSets", [("filter", "name:like:monthly"), ("paging", "false")])
            #expect(byLike.json?["dataSets"]?.arrayValue?.count == 3)
            let withCode = try await sim.get(
                "/api/categoryOptionCombos",
                [("filter", "code:!null"), ("paging", "false")]
            )
            // Every option combo has a code (from its options' codes), so `null` finds none.
            #expect(withCode.json?["categoryOptionCombos"]?.arrayValue?.count == 9)
            let withoutCode = try await sim.get(
                "/api/categoryOptionCombos",
                [("filter", "code:null"), ("paging", "false")]
            )
            #expect(withoutCode.json?["categoryOptionCombos"]?.arrayValue?.count == 0)
            let levels = try await sim.get(
                "/api/organisationUnits",
                [("filter", "level:ge:3"), ("filter", "level:lt:4")]
            )
            #expect(levels.json?["pager"]?["total"]?.intValue == 12)
        }
    }

    @Test func singleObjectsAndNotFound() async throws {
        try await SimulatorHarness.with { sim in
            let dataSet = sim.dataSet(code: "DS_RH_MONTHLY")
            let object = try #require(try await sim.get("/api/dataSets/\(dataSet.identity.id)").json)
            #expect(object["periodType"]?.stringValue == "Monthly")
            #expect(object["dataSetElements"]?.arrayValue?.count == dataSet.elements.count)
            let missing = try await sim.get("/api/organisationUnits/abcdefghijk")
            #expect(missing.status == 404)
            #expect(
                missing.text
                    == #"{"httpStatus":"Not Found","httpStatusCode":404,"status":"ERROR","message":"OrganisationUnit with id abcdefghijk could not be found.","errorCode":"E1005"}"#
            )
        }
    }

    @Test func loadsARealMetadataExport() async throws {
        // shared/ sits beside the repository, locally and in CI.
        let aggregate = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/fixtures/dhis2-core/aggregate")
        let path = aggregate.appendingPathComponent("metadata.json").path
        let load: (inout SimulatorConfiguration) -> Void = { $0.metadataFile = path }
        try await SimulatorHarness.with(configure: load) { sim in
            #expect(sim.metadata.dataSets.count == 2)
            #expect(sim.metadata.dataElements.count == 75)
            let bulk = try String(
                contentsOfFile: aggregate.appendingPathComponent("dataValues_bulk.json").path,
                encoding: .utf8
            )
            let reply = try await sim.post("/api/dataValueSets", json: bulk)
            #expect(reply.json?["response"]?["importCount"]?["imported"]?.intValue ?? 0 > 0)
        }
    }
}
