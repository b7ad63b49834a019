import Curl
import DHIS2Simulator
import Testing

@Suite("Tracker schema")
struct TrackerSchemaTests {
    /// Creates an object and returns its id, expecting 201 with an ObjectReport.
    static func create(_ sim: SimulatorHarness, _ collection: String, _ json: String) async throws -> String {
        let reply = try await sim.post("/api/\(collection)", json: json)
        #expect(reply.status == 201, "\(reply.text)")
        #expect(reply.json?["response"]?["responseType"]?.stringValue == "ObjectReport")
        return try #require(reply.json?["response"]?["uid"]?.stringValue)
    }

    static func put(
        _ sim: SimulatorHarness,
        _ path: String,
        _ query: [(String, String)] = [],
        json: String
    )
        async throws -> SimulatorHarness.Reply
    {
        try await sim.send(.put, path, query, body: Array(json.utf8), contentType: "application/json")
    }

    static func attribute(_ sim: SimulatorHarness, _ name: String) async throws -> String {
        try await create(
            sim,
            "trackedEntityAttributes",
            #"{"name":"\#(name)","shortName":"\#(name)","valueType":"TEXT"}"#
        )
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func createGetListAndNotFound(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version, empty: true) { sim in
            let empty = try await sim.get("/api/trackedEntityAttributes")
            #expect(empty.json?["trackedEntityAttributes"]?.arrayValue == [])
            let reply = try await sim.post(
                "/api/trackedEntityAttributes",
                json: #"{"name":"National ID","shortName":"NID","valueType":"TEXT","unique":true}"#
            )
            #expect(reply.status == 201)
            #expect(reply.json?["httpStatus"]?.stringValue == "Created")
            #expect(reply.json?["status"]?.stringValue == "OK")
            let uid = try #require(reply.json?["response"]?["uid"]?.stringValue)
            #expect(
                reply.json?["response"]?["klass"]?.stringValue == "org.hisp.dhis.trackedentity.TrackedEntityAttribute"
            )
            #expect(reply.json?["response"]?["errorReports"]?.arrayValue == [])
            #expect(reply.headers["Location"].first?.hasSuffix("/api/trackedEntityAttributes/\(uid)") == true)

            let object = try await sim.get("/api/trackedEntityAttributes/\(uid)")
            #expect(object.status == 200)
            #expect(object.json?["unique"]?.boolValue == true)
            #expect(object.json?["id"]?.stringValue == uid)

            _ = try await Self.attribute(sim, "Age")
            let list = try await sim.get("/api/trackedEntityAttributes", [("pageSize", "1"), ("fields", "id,name")])
            #expect(list.json?["pager"]?["total"]?.intValue == 2)
            #expect(list.json?["pager"]?["pageCount"]?.intValue == 2)
            #expect(list.json?["trackedEntityAttributes"]?[0]?.keys == ["id", "name"])
            let filtered = try await sim.get("/api/trackedEntityAttributes", [("filter", "name:eq:Age")])
            #expect(filtered.json?["trackedEntityAttributes"]?.arrayValue?.count == 1)
            #expect(filtered.json?["trackedEntityAttributes"]?[0]?["displayName"]?.stringValue == "Age")

            let missing = try await sim.get("/api/programs/aaaaaaaaaaa")
            #expect(missing.status == 404)
            #expect(missing.json?["errorCode"]?.stringValue == "E1005")
            #expect(missing.json?["message"]?.stringValue == "Program with id aaaaaaaaaaa could not be found.")
        }
    }

    @Test func missingRequiredPropertiesAre409WithErrorReports() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let reply = try await sim.post("/api/trackedEntityAttributes", json: #"{"name":"No type"}"#)
            #expect(reply.status == 409)
            #expect(reply.json?["status"]?.stringValue == "WARNING")
            let errors = reply.json?["response"]?["errorReports"]?.arrayValue ?? []
            #expect(errors.compactMap { $0["errorCode"]?.stringValue } == ["E4000", "E4000"])
            #expect(errors.compactMap { $0["errorProperty"]?.stringValue } == ["shortName", "valueType"])
            let generated = try await sim.post(
                "/api/trackedEntityAttributes",
                json: #"{"name":"Gen","shortName":"Gen","valueType":"TEXT","generated":true}"#
            )
            #expect(generated.json?["response"]?["errorReports"]?[0]?["errorProperty"]?.stringValue == "pattern")
            let duplicate = try await Self.attribute(sim, "A")
            let again = try await sim.post(
                "/api/trackedEntityAttributes",
                json: #"{"id":"\#(duplicate)","name":"B","shortName":"B","valueType":"TEXT"}"#
            )
            #expect(again.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E5003")
            let notJSON = try await sim.post("/api/programs", json: "[1]")
            #expect(notJSON.status == 400)
            #expect(try await sim.get("/api/trackedEntityAttributes").json?["pager"]?["total"]?.intValue == 1)
        }
    }

    @Test func registrationProgramNeedsAnExistingType() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let noType = try await sim.post(
                "/api/programs",
                json: #"{"name":"Care","shortName":"Care","programType":"WITH_REGISTRATION"}"#
            )
            #expect(noType.status == 409)
            #expect(noType.json?["response"]?["errorReports"]?[0]?["errorProperty"]?.stringValue == "trackedEntityType")
            let unknown = try await sim.post(
                "/api/programs",
                json:
                    #"{"name":"Care","shortName":"Care","programType":"WITH_REGISTRATION","trackedEntityType":{"id":"aaaaaaaaaaa"}}"#
            )
            #expect(unknown.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E5001")
            let badType = try await sim.post(
                "/api/programs",
                json: #"{"name":"Care","shortName":"Care","programType":"SOMETIMES"}"#
            )
            #expect(badType.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E4031")
            _ = try await Self.create(
                sim,
                "programs",
                #"{"name":"Events","shortName":"Events","programType":"WITHOUT_REGISTRATION"}"#
            )
            let type = try await Self.create(sim, "trackedEntityTypes", #"{"name":"Person"}"#)
            _ = try await Self.create(
                sim,
                "programs",
                #"{"name":"Care","shortName":"Care","programType":"WITH_REGISTRATION","trackedEntityType":{"id":"\#(type)"}}"#
            )
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func joinListsAreAdditiveUnlessReplace(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version, empty: true) { sim in
            let first = try await Self.attribute(sim, "First")
            let second = try await Self.attribute(sim, "Second")
            let type = try await Self.create(
                sim,
                "trackedEntityTypes",
                #"{"name":"Person","trackedEntityTypeAttributes":[{"trackedEntityAttribute":{"id":"\#(first)"},"mandatory":false}]}"#
            )
            let stored = try await sim.get("/api/trackedEntityTypes/\(type)")
            let joinID = try #require(stored.json?["trackedEntityTypeAttributes"]?[0]?["id"]?.stringValue)

            // Default PUT: the body's entries are merged in by attribute; the first one stays.
            let merge = try await Self.put(
                sim,
                "/api/trackedEntityTypes/\(type)",
                json:
                    #"{"name":"Person","trackedEntityTypeAttributes":[{"trackedEntityAttribute":{"id":"\#(second)"}},{"trackedEntityAttribute":{"id":"\#(first)"},"mandatory":true}]}"#
            )
            #expect(merge.status == 200)
            #expect(merge.json?["response"]?["uid"]?.stringValue == type)
            let merged = try await sim.get("/api/trackedEntityTypes/\(type)").json?["trackedEntityTypeAttributes"]
            #expect(merged?.arrayValue?.count == 2)
            #expect(merged?[0]?["trackedEntityAttribute"]?["id"]?.stringValue == first)
            #expect(merged?[0]?["mandatory"]?.boolValue == true)
            #expect(merged?[0]?["id"]?.stringValue == joinID)

            // An empty list merges nothing away; REPLACE takes the body as it is.
            _ = try await Self.put(
                sim,
                "/api/trackedEntityTypes/\(type)",
                json: #"{"name":"Person","trackedEntityTypeAttributes":[]}"#
            )
            #expect(
                try await sim.get("/api/trackedEntityTypes/\(type)").json?["trackedEntityTypeAttributes"]?.arrayValue?
                    .count == 2
            )
            let replace = try await Self.put(
                sim,
                "/api/trackedEntityTypes/\(type)",
                [("mergeMode", "REPLACE")],
                json:
                    #"{"name":"Person","trackedEntityTypeAttributes":[{"trackedEntityAttribute":{"id":"\#(second)"}}]}"#
            )
            #expect(replace.status == 200)
            let replaced = try await sim.get("/api/trackedEntityTypes/\(type)").json?["trackedEntityTypeAttributes"]
            #expect(replaced?.arrayValue?.map { $0["trackedEntityAttribute"]?["id"]?.stringValue } == [second])

            let unknown = try await Self.put(
                sim,
                "/api/trackedEntityTypes/\(type)",
                json:
                    #"{"name":"Person","trackedEntityTypeAttributes":[{"trackedEntityAttribute":{"id":"aaaaaaaaaaa"}}]}"#
            )
            #expect(unknown.status == 409)
            #expect(unknown.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E5001")
            let absent = try await Self.put(sim, "/api/trackedEntityTypes/aaaaaaaaaaa", json: #"{"name":"X"}"#)
            #expect(absent.status == 404)
            #expect(absent.json?["errorCode"]?.stringValue == "E1005")
        }
    }

    @Test func inverseSelfReferenceIsRefused() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let attribute = try await Self.attribute(sim, "First")
            let type = try await Self.create(sim, "trackedEntityTypes", #"{"name":"Person"}"#)
            for mode in ["MERGE", "REPLACE"] {
                let reply = try await Self.put(
                    sim,
                    "/api/trackedEntityTypes/\(type)",
                    [("mergeMode", mode)],
                    json:
                        #"{"name":"Person","trackedEntityTypeAttributes":[{"trackedEntityAttribute":{"id":"\#(attribute)"},"trackedEntityType":{"id":"\#(type)"}}]}"#
                )
                #expect(reply.status == 409)
                let error = reply.json?["response"]?["errorReports"]?[0]
                #expect(error?["errorCode"]?.stringValue == "E5002")
                #expect(error?["errorProperty"]?.stringValue == "trackedEntityType")
            }
            #expect(try await sim.get("/api/trackedEntityTypes/\(type)").json?["trackedEntityTypeAttributes"] == nil)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func deleteAnswersAndAttributesInUse(version: ServerVersion) async throws {
        try await SimulatorHarness.with(version: version, empty: true) { sim in
            let used = try await Self.attribute(sim, "Used")
            let free = try await Self.attribute(sim, "Free")
            let type = try await Self.create(
                sim,
                "trackedEntityTypes",
                #"{"name":"Person","trackedEntityTypeAttributes":[{"trackedEntityAttribute":{"id":"\#(used)"}}]}"#
            )
            let program = try await Self.create(
                sim,
                "programs",
                #"{"name":"Care","shortName":"Care","programType":"WITH_REGISTRATION","trackedEntityType":{"id":"\#(type)"}}"#
            )
            let stage = try await Self.create(sim, "programStages", #"{"name":"Visit","program":{"id":"\#(program)"}}"#)

            let inUse = try await sim.send(.delete, "/api/trackedEntityAttributes/\(used)")
            #expect(inUse.status == 409)
            #expect(inUse.json?["errorCode"]?.stringValue == "E4030")
            let typeInUse = try await sim.send(.delete, "/api/trackedEntityTypes/\(type)")
            #expect(typeInUse.json?["errorCode"]?.stringValue == "E4030")

            let deleted = try await sim.send(.delete, "/api/trackedEntityAttributes/\(free)")
            #expect(deleted.status == 200)
            #expect(deleted.json?["response"]?["responseType"]?.stringValue == "ObjectReport")
            #expect(deleted.json?["response"]?["uid"]?.stringValue == free)
            #expect(try await sim.get("/api/trackedEntityAttributes/\(free)").status == 404)
            #expect(try await sim.send(.delete, "/api/trackedEntityAttributes/\(free)").status == 404)

            // A program takes its stages with it; then the type and attribute are free.
            #expect(try await sim.send(.delete, "/api/programs/\(program)").status == 200)
            #expect(try await sim.get("/api/programStages/\(stage)").status == 404)
            #expect(try await sim.send(.delete, "/api/trackedEntityTypes/\(type)").status == 200)
            #expect(try await sim.send(.delete, "/api/trackedEntityAttributes/\(used)").status == 200)
        }
    }

    @Test func programOrganisationUnitsOneAtATime() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let program = try await Self.create(
                sim,
                "programs",
                #"{"name":"Events","shortName":"Events","programType":"WITHOUT_REGISTRATION"}"#
            )
            let unit = sim.facility.identity.id
            for _ in 0..<2 {
                let added = try await sim.send(.post, "/api/programs/\(program)/organisationUnits/\(unit)")
                #expect(added.status == 200)
            }
            let units = try await sim.get("/api/programs/\(program)").json?["organisationUnits"]
            #expect(units?.arrayValue?.compactMap { $0["id"]?.stringValue } == [unit])
            let unknownUnit = try await sim.send(.post, "/api/programs/\(program)/organisationUnits/aaaaaaaaaaa")
            #expect(unknownUnit.status == 404)
            #expect(unknownUnit.json?["errorCode"]?.stringValue == "E1005")
            let unknownProgram = try await sim.send(.post, "/api/programs/aaaaaaaaaaa/organisationUnits/\(unit)")
            #expect(unknownProgram.status == 404)
            #expect(try await sim.send(.delete, "/api/programs/\(program)/organisationUnits/\(unit)").status == 200)
            #expect(try await sim.get("/api/programs/\(program)").json?["organisationUnits"]?.arrayValue == [])
            #expect(try await sim.send(.post, "/api/programs/\(program)/dataSets/\(unit)").status == 404)
        }
    }

    @Test func programStageDataElementsReferToAggregateDataElements() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let program = try await Self.create(
                sim,
                "programs",
                #"{"name":"Events","shortName":"Events","programType":"WITHOUT_REGISTRATION"}"#
            )
            let element = sim.metadata.dataElements[0].identity.id
            let orphan = try await sim.post(
                "/api/programStages",
                json: #"{"name":"Visit","program":{"id":"aaaaaaaaaaa"}}"#
            )
            #expect(orphan.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E5001")
            let stage = try await Self.create(
                sim,
                "programStages",
                #"{"name":"Visit","program":{"id":"\#(program)"},"programStageDataElements":[{"dataElement":{"id":"\#(element)"},"compulsory":true,"sortOrder":1}]}"#
            )
            let unknown = try await Self.put(
                sim,
                "/api/programStages/\(stage)",
                json:
                    #"{"name":"Visit","program":{"id":"\#(program)"},"programStageDataElements":[{"dataElement":{"id":"aaaaaaaaaaa"}}]}"#
            )
            #expect(unknown.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E5001")
            let selfReference = try await Self.put(
                sim,
                "/api/programStages/\(stage)",
                json:
                    #"{"name":"Visit","program":{"id":"\#(program)"},"programStageDataElements":[{"dataElement":{"id":"\#(element)"},"programStage":{"id":"\#(stage)"}}]}"#
            )
            #expect(selfReference.json?["response"]?["errorReports"]?[0]?["errorCode"]?.stringValue == "E5002")
            let stored = try await sim.get(
                "/api/programStages/\(stage)",
                [("fields", "programStageDataElements[dataElement,compulsory]")]
            )
            #expect(stored.json?["programStageDataElements"]?[0]?.keys == ["dataElement", "compulsory"])
        }
    }
}
