import Curl
import DHIS2
import DHIS2Simulator
import Testing

@Suite("Tracker schema through the client")
struct TrackerSchemaClientTests {
    static func withClient<R: Sendable>(
        version: ServerVersion = .v2_40,
        _ body: (DHIS2Client, DHIS2Simulator) async throws -> R
    ) async throws -> R {
        try await DHIS2ClientTests.withClient(version: version, body)
    }

    static func attribute(_ client: DHIS2Client, _ name: String) async throws -> String {
        let result = try await client.create(TrackedEntityAttribute(name: name, shortName: name, valueType: "TEXT"))
        #expect(result.succeeded)
        return try #require(result.uid)
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func attributesRoundTrip(version: ServerVersion) async throws {
        try await Self.withClient(version: version) { client, _ in
            let attribute = TrackedEntityAttribute(
                name: "National ID",
                shortName: "NID",
                code: "NID",
                valueType: "TEXT",
                aggregationType: "NONE",
                unique: true,
                generated: true,
                pattern: #""ID-" + SEQUENTIAL(######)"#,
                confidential: false,
                inherit: true,
                legendSets: ["aaaaaaaaaaa"]
            )
            let created = try await client.create(attribute)
            #expect(created.httpStatus == 201)
            #expect(created.status == "OK")
            #expect(created.klass == "org.hisp.dhis.trackedentity.TrackedEntityAttribute")
            let id = try #require(created.uid)
            var stored: TrackedEntityAttribute = try await client.trackerSchemaObject(id: id)
            var expected = attribute
            expected.id = id
            #expect(stored == expected)

            stored.shortName = "Nat. ID"
            let updated = try await client.update(stored)
            #expect(updated.succeeded && updated.httpStatus == 200 && updated.uid == id)
            let all = try await client.trackerSchemaObjects(TrackedEntityAttribute.self)
            #expect(all.map(\.shortName) == ["Nat. ID"])
            #expect(try await client.trackerSchemaObjects(TrackedEntityAttribute.self, filters: ["code:eq:X"]).isEmpty)

            let deleted = try await client.delete(TrackedEntityAttribute.self, id: id)
            #expect(deleted.succeeded && deleted.uid == id)
            let error = await #expect(throws: DHIS2Error.self) {
                _ = try await client.trackerSchemaObject(TrackedEntityAttribute.self, id: id)
            }
            #expect(error?.code == .notFound)
            #expect(error?.webMessage?.errorCode == "E1005")
        }
    }

    @Test func listsFollowThePager() async throws {
        try await Self.withClient { client, _ in
            var created: [String] = []
            for name in ["A", "B", "C"] { created.append(try await Self.attribute(client, name)) }
            let all = try await client.trackerSchemaObjects(TrackedEntityAttribute.self, pageSize: 2)
            #expect(all.compactMap(\.id) == created)
            let some = try await client.trackerSchemaObjects(
                TrackedEntityAttribute.self,
                filters: ["name:in:[A,C]"],
                pageSize: 1
            )
            #expect(some.map(\.name) == ["A", "C"])
        }
    }

    @Test func refusedWritesComeBackAsErrorRows() async throws {
        try await Self.withClient { client, _ in
            let result = try await client.create(
                Program(name: "Care", shortName: "Care", programType: .withRegistration)
            )
            #expect(!result.succeeded)
            #expect(result.httpStatus == 409)
            #expect(result.status == "WARNING")
            #expect(result.errors.map(\.errorCode) == ["E4000"])
            #expect(result.errors.first?.property == "trackedEntityType")
            #expect(result.errors.first?.resource == "Program")
            let noID = await #expect(throws: DHIS2Error.self) {
                _ = try await client.update(TrackedEntityType(name: "Person"))
            }
            #expect(noID?.code == .badRequest)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func typeAttributesAddAndRemoveIdempotently(version: ServerVersion) async throws {
        try await Self.withClient(version: version) { client, _ in
            let first = try await Self.attribute(client, "First")
            let second = try await Self.attribute(client, "Second")
            let type = try #require(try await client.create(TrackedEntityType(name: "Person")).uid)

            #expect(
                try await client.addAttribute(
                    .init(first, mandatory: true, searchable: true),
                    toTrackedEntityType: type
                )
            )
            #expect(try await client.addAttribute(.init(first, mandatory: true), toTrackedEntityType: type) == false)
            #expect(try await client.addAttribute(.init(second, displayInList: true), toTrackedEntityType: type))
            // Changing a flag updates the entry in place.
            #expect(try await client.addAttribute(.init(first, mandatory: false), toTrackedEntityType: type))
            var stored: TrackedEntityType = try await client.trackerSchemaObject(id: type)
            let entries = stored.trackedEntityTypeAttributes ?? []
            #expect(entries.map(\.trackedEntityAttribute.id) == [first, second])
            #expect(entries.map(\.mandatory) == [false, nil])
            #expect(entries[0].searchable == true)

            // An attribute in use cannot be deleted (E4030).
            let inUse = await #expect(throws: DHIS2Error.self) {
                _ = try await client.delete(TrackedEntityAttribute.self, id: first)
            }
            #expect(inUse?.code == .conflict)
            #expect(inUse?.webMessage?.errorCode == "E4030")

            // Removal needs REPLACE: a merging PUT would keep the entry.
            #expect(try await client.removeAttribute(first, fromTrackedEntityType: type))
            #expect(try await client.removeAttribute(first, fromTrackedEntityType: type) == false)
            stored = try await client.trackerSchemaObject(id: type)
            #expect(stored.trackedEntityTypeAttributes?.map(\.trackedEntityAttribute.id) == [second])
            #expect(try await client.delete(TrackedEntityAttribute.self, id: first).succeeded)

            // A read entry carrying the inverse reference is stripped before the PUT.
            stored.trackedEntityTypeAttributes?[0].trackedEntityType = MetadataReference(type)
            #expect(try await client.update(stored).succeeded)
            let merged = try await client.update(
                TrackedEntityType(id: type, name: "Person", trackedEntityTypeAttributes: []),
                mergeMode: .merge
            )
            #expect(merged.succeeded)
            stored = try await client.trackerSchemaObject(id: type)
            #expect(stored.trackedEntityTypeAttributes?.count == 1)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func programAttributesAndOrganisationUnits(version: ServerVersion) async throws {
        try await Self.withClient(version: version) { client, simulator in
            let attribute = try await Self.attribute(client, "Name")
            let type = try #require(try await client.create(TrackedEntityType(name: "Person")).uid)
            let program = try #require(
                try await client.create(
                    Program(
                        name: "Care",
                        shortName: "Care",
                        programType: .withRegistration,
                        trackedEntityType: MetadataReference(type),
                        categoryCombo: "bjDvmb4bfuf"
                    )
                ).uid
            )
            #expect(try await client.addAttribute(.init(attribute, mandatory: true, sortOrder: 1), toProgram: program))
            #expect(try await client.addAttribute(.init(attribute, mandatory: true), toProgram: program) == false)
            var stored: Program = try await client.trackerSchemaObject(id: program)
            #expect(stored.programTrackedEntityAttributes?.map(\.trackedEntityAttribute.id) == [attribute])
            #expect(stored.programTrackedEntityAttributes?.first?.sortOrder == 1)
            #expect(stored.categoryCombo?.id == "bjDvmb4bfuf")
            #expect(try await client.removeAttribute(attribute, fromProgram: program))
            stored = try await client.trackerSchemaObject(id: program)
            #expect(stored.programTrackedEntityAttributes?.isEmpty == true)

            let units = simulator.metadata.organisationUnits.filter { $0.level == 4 }.prefix(2).map(\.identity.id)
            for unit in units { try await client.addOrganisationUnit(unit, toProgram: program) }
            try await client.addOrganisationUnit(units[0], toProgram: program)
            stored = try await client.trackerSchemaObject(id: program)
            #expect(stored.organisationUnits?.map(\.id) == units)
            try await client.removeOrganisationUnit(units[0], fromProgram: program)
            stored = try await client.trackerSchemaObject(id: program)
            #expect(stored.organisationUnits?.map(\.id) == [units[1]])
            let unknown = await #expect(throws: DHIS2Error.self) {
                try await client.addOrganisationUnit("aaaaaaaaaaa", toProgram: program)
            }
            #expect(unknown?.code == .notFound)
        }
    }

    @Test(arguments: [ServerVersion.v2_40, .v2_43])
    func stageDataElementsAddRemoveReorder(version: ServerVersion) async throws {
        try await Self.withClient(version: version) { client, simulator in
            let program = try #require(
                try await client.create(Program(name: "Events", shortName: "Events", programType: .withoutRegistration))
                    .uid
            )
            let stage = try #require(
                try await client.create(ProgramStage(name: "Visit", program: MetadataReference(program))).uid
            )
            let elements = simulator.metadata.dataElements.prefix(3).map(\.identity.id)
            for element in elements {
                #expect(
                    try await client.addDataElement(
                        .init(element, compulsory: element == elements[0]),
                        toProgramStage: stage
                    )
                )
            }
            #expect(try await client.addDataElement(.init(elements[1]), toProgramStage: stage) == false)
            func current() async throws -> [ProgramStage.DataElement] {
                let stored: ProgramStage = try await client.trackerSchemaObject(id: stage)
                return stored.programStageDataElements ?? []
            }
            var entries = try await current()
            #expect(entries.map(\.dataElement.id) == elements)
            #expect(entries.map(\.sortOrder) == [1, 2, 3])
            #expect(entries.map(\.compulsory) == [true, false, false])

            #expect(try await client.reorderDataElements([elements[2], elements[0]], inProgramStage: stage))
            #expect(try await client.reorderDataElements([elements[2], elements[0]], inProgramStage: stage) == false)
            entries = try await current()
            #expect(entries.map(\.dataElement.id) == [elements[2], elements[0], elements[1]])
            #expect(entries.map(\.sortOrder) == [1, 2, 3])

            #expect(try await client.removeDataElement(elements[0], fromProgramStage: stage))
            #expect(try await client.removeDataElement(elements[0], fromProgramStage: stage) == false)
            entries = try await current()
            #expect(entries.map(\.dataElement.id) == [elements[2], elements[1]])
            #expect(entries.map(\.sortOrder) == [1, 2])

            let refused = await #expect(throws: DHIS2Error.self) {
                try await client.addDataElement(.init("aaaaaaaaaaa"), toProgramStage: stage)
            }
            #expect(refused?.code == .conflict)
            #expect(refused?.webMessage?.errorCode == "E5001")
        }
    }
}
