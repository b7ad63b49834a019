import Curl
import DHIS2Simulator
import JSONStream
import Testing

/// The decision-table rows that need write access or data entry rules (reference §2.3): each is triggered
/// over HTTP and its conflict checked key by key, with the version's envelope (§2.4).
@Suite("POST /api/dataValueSets: access and data set rules")
struct ImportConstraintTests {
    static let versions = [ServerVersion.v2_40, ServerVersion.v2_43]

    /// A conflict as the reference writes it.
    struct Expected {
        var code: String
        var message: String
        var objects: [(String, String)]
        var property: String?
        var indexes: [Int]?
    }

    /// Checks a partial import (WARNING): 409 on 2.40, 200 on 2.43, the counts (creates count as updated on
    /// 2.43), the rejected indexes and the conflicts in order.
    static func expectWarning(
        _ reply: SimulatorHarness.Reply,
        version: ServerVersion,
        written: Int,
        ignored: Int,
        rejected: [Int],
        _ conflicts: [Expected],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let modern = version == .v2_43
        #expect(reply.status == (modern ? 200 : 409), sourceLocation: sourceLocation)
        #expect(reply.json?["status"]?.stringValue == "WARNING", sourceLocation: sourceLocation)
        #expect(
            reply.json?["message"]?.stringValue
                == (modern
                    ? "Import completed with warnings, please check import summary."
                    : "One more conflicts encountered, please check import summary."),
            sourceLocation: sourceLocation
        )
        let summary = reply.json?["response"]
        #expect(summary?["status"]?.stringValue == "WARNING", sourceLocation: sourceLocation)
        #expect(
            ImportTests.count(reply) == (modern ? [0, written, ignored, 0] : [written, 0, ignored, 0]),
            sourceLocation: sourceLocation
        )
        #expect(
            summary?["rejectedIndexes"]?.arrayValue?.compactMap(\.intValue) == rejected,
            sourceLocation: sourceLocation
        )
        expectConflicts(summary?["conflicts"]?.arrayValue ?? [], conflicts, sourceLocation: sourceLocation)
    }

    static func expectConflicts(
        _ actual: [JSONValue],
        _ expected: [Expected],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.count == expected.count, "\(actual)", sourceLocation: sourceLocation)
        for (conflict, want) in zip(actual, expected) {
            #expect(conflict["errorCode"]?.stringValue == want.code, sourceLocation: sourceLocation)
            #expect(conflict["value"]?.stringValue == want.message, sourceLocation: sourceLocation)
            #expect(conflict["object"]?.stringValue == want.objects.first?.1, sourceLocation: sourceLocation)
            let objects = conflict["objects"]?.objectValue?.map { ($0.key, $0.value.stringValue ?? "") } ?? []
            #expect(objects.map(\.0) == want.objects.map(\.0), sourceLocation: sourceLocation)
            #expect(objects.map(\.1) == want.objects.map(\.1), sourceLocation: sourceLocation)
            #expect(conflict["property"]?.stringValue == want.property, sourceLocation: sourceLocation)
            #expect(
                conflict["indexes"]?.arrayValue?.compactMap(\.intValue) == want.indexes,
                sourceLocation: sourceLocation
            )
            // `object` is the first of `objects`, absent (NON_NULL) when there is none.
            let keys =
                (want.objects.isEmpty ? [] : ["object"]) + ["objects", "value", "errorCode"]
                + (want.property == nil ? [] : ["property"])
            #expect(conflict.keys == keys + (want.indexes == nil ? [] : ["indexes"]), sourceLocation: sourceLocation)
        }
    }

    /// UIDs of the seeded metadata, learnt from one simulator: a second, configured one has the same.
    struct Ids: Sendable {
        var reproductive: String  // DS_RH_MONTHLY
        var morbidity: String  // DS_MORB_MONTHLY
        var anc1: String  // in DS_RH_MONTHLY and DS_QUALITY_QUARTERLY
        var anc4: String  // in DS_RH_MONTHLY only
        var measles: String  // Location combo
        var remarks: String  // TEXT
        var fixedCombo: String
        var outreachCombo: String
        var fixedOption: String
        var outreachOption: String
        var firstRegion: String
        var district: String  // under the first region
        var facility: String  // under `district`
        var outsideFacility: String  // in the last region
    }

    static func ids() async throws -> Ids {
        try await SimulatorHarness.with(empty: true) { sim in
            let metadata = sim.metadata
            func combo(_ option: String) -> (combo: String, option: String) {
                let optionIndex = metadata.categoryOptions.firstIndex { $0.identity.code == option }!
                let combo = metadata.categoryOptionCombos.first { $0.options == [optionIndex] }!
                return (combo.identity.id, metadata.categoryOptions[optionIndex].identity.id)
            }
            let units = metadata.organisationUnits
            let region = units.firstIndex { $0.level == 2 }!
            let district = units.firstIndex { $0.level == 3 && $0.parent == region }!
            let facility = units.firstIndex { $0.level == 4 && $0.parent == district }!
            let outside = units.lastIndex { $0.level == 4 }!
            return Ids(
                reproductive: sim.dataSet(code: "DS_RH_MONTHLY").identity.id,
                morbidity: sim.dataSet(code: "DS_MORB_MONTHLY").identity.id,
                anc1: sim.dataElement(code: "DE_ANC1").identity.id,
                anc4: sim.dataElement(code: "DE_ANC4").identity.id,
                measles: sim.dataElement(code: "DE_MEASLES").identity.id,
                remarks: sim.dataElement(code: "DE_REMARKS").identity.id,
                fixedCombo: combo("FIXED").combo,
                outreachCombo: combo("OUTREACH").combo,
                fixedOption: combo("FIXED").option,
                outreachOption: combo("OUTREACH").option,
                firstRegion: units[region].identity.id,
                district: units[district].identity.id,
                facility: units[facility].identity.id,
                outsideFacility: units[outside].identity.id
            )
        }
    }

    static func with(
        _ version: ServerVersion,
        _ configure: @escaping (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (SimulatorHarness) async throws -> Void
    ) async throws {
        try await SimulatorHarness.with(version: version, empty: true, configure: configure, body)
    }

    @Test(arguments: versions) func dataSetWithoutWriteAccessAbortsTheImport(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let setup: (inout SimulatorConfiguration) -> Void = { $0.writeAccess.unwritableDataSets = [id.reproductive] }
        try await Self.with(version, setup) { sim in
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [(id.anc4, "202401", id.facility, "1", "")]
            )
            let reply = try await sim.post("/api/dataValueSets", json: body)
            #expect(reply.status == 409)
            #expect(reply.json?["status"]?.stringValue == "ERROR")
            #expect(reply.json?["message"]?.stringValue == "An error occurred, please check import summary.")
            let summary = reply.json?["response"]
            #expect(summary?["status"]?.stringValue == "ERROR")
            #expect(summary?["description"]?.stringValue == "Import process was aborted")
            #expect(ImportTests.count(reply) == [0, 0, 0, 0])
            #expect(summary?["dataSetComplete"] == nil)
            let abort = Expected(
                code: "E7601",
                message: "User does not have write access for DataSet: `\(id.reproductive)`",
                objects: [("dataSet", id.reproductive)],
                property: "dataSet"
            )
            Self.expectConflicts(summary?["conflicts"]?.arrayValue ?? [], [abort])
            #expect(sim.simulator.writtenValues().isEmpty)

            // Every header rule runs: an unknown header org unit is reported too.
            let both = try await sim.post(
                "/api/dataValueSets",
                json: ImportTests.payload(
                    header: "\"dataSet\":\"\(id.reproductive)\",\"orgUnit\":\"XXXXXXXXXXX\",",
                    [(id.anc4, "202401", id.facility, "1", "")]
                )
            )
            Self.expectConflicts(
                both.json?["response"]?["conflicts"]?.arrayValue ?? [],
                [
                    abort,
                    Expected(
                        code: "E7603",
                        message: "Org unit not found or not accessible: `XXXXXXXXXXX`",
                        objects: [("organisationUnit", "XXXXXXXXXXX"), ("dataSet", id.reproductive)],
                        property: "orgUnit"
                    ),
                ]
            )
            // Without the header, values of the data set's elements are not refused on these grounds.
            let plain = try await sim.post(
                "/api/dataValueSets",
                json: ImportTests.payload([(id.anc4, "202401", id.facility, "1", "")])
            )
            #expect(plain.status == 200)
        }
    }

    @Test(arguments: versions) func categoryOptionsWithoutWriteAccess(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let setup: (inout SimulatorConfiguration) -> Void = {
            $0.writeAccess.unwritableCategoryOptions = [id.fixedOption]
        }
        try await Self.with(version, setup) { sim in
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [
                    (id.measles, "202401", id.facility, "3", ",\"categoryOptionCombo\":\"\(id.fixedCombo)\""),
                    (id.measles, "202401", id.facility, "4", ",\"categoryOptionCombo\":\"\(id.outreachCombo)\""),
                    (id.anc4, "202401", id.facility, "5", ",\"attributeOptionCombo\":\"\(id.fixedCombo)\""),
                    (id.measles, "202402", id.facility, "6", ",\"categoryOptionCombo\":\"\(id.fixedCombo)\""),
                ]
            )
            let reply = try await sim.post("/api/dataValueSets", json: body)
            Self.expectWarning(
                reply,
                version: version,
                written: 1,
                ignored: 3,
                rejected: [0, 2, 3],
                [
                    Expected(
                        code: "E7614",
                        message: "Category option combo: `\(id.fixedCombo)` option not accessible: `\(id.fixedOption)`",
                        objects: [("categoryOptionCombo", id.fixedCombo), ("categoryOption", id.fixedOption)],
                        property: "categoryOptionCombo",
                        indexes: [0, 3]
                    ),
                    Expected(
                        code: "E7616",
                        message:
                            "Attribute option combo: `\(id.fixedCombo)` option not accessible: `\(id.fixedOption)`",
                        objects: [("categoryOptionCombo", id.fixedCombo), ("categoryOption", id.fixedOption)],
                        property: "attributeOptionCombo",
                        indexes: [2]
                    ),
                ]
            )
        }
    }

    @Test(arguments: versions) func orgUnitOutsideTheCaptureHierarchy(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let setup: (inout SimulatorConfiguration) -> Void = { $0.writeAccess.captureRoots = [id.firstRegion] }
        try await Self.with(version, setup) { sim in
            let me = try await sim.get("/api/me")
            #expect(me.json?["organisationUnits"]?.arrayValue == [.object([JSONMember("id", .string(id.firstRegion))])])
            let userID = try #require(me.json?["id"]?.stringValue)
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [(id.anc4, "202401", id.facility, "1", ""), (id.anc4, "202401", id.outsideFacility, "2", "")]
            )
            Self.expectWarning(
                try await sim.post("/api/dataValueSets", json: body),
                version: version,
                written: 1,
                ignored: 1,
                rejected: [1],
                [
                    Expected(
                        code: "E7617",
                        message:
                            "Organisation unit: `\(id.outsideFacility)` not in hierarchy of current user: `\(userID)`",
                        objects: [("organisationUnit", id.outsideFacility), ("user", userID)],
                        property: "orgUnit",
                        indexes: [1]
                    )
                ]
            )
        }
    }

    @Test(arguments: versions) func valuesOutsideTheOptionSet(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let setup: (inout SimulatorConfiguration) -> Void = {
            $0.dataEntryRules.optionSets = [id.remarks: ["GOOD", "POOR"]]
        }
        try await Self.with(version, setup) { sim in
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [
                    (id.remarks, "202401", id.facility, "GOOD", ""), (id.remarks, "202402", id.facility, "BAD", ""),
                    (id.remarks, "202403", id.facility, nil, ",\"comment\":\"no value\""),
                ]
            )
            Self.expectWarning(
                try await sim.post("/api/dataValueSets", json: body),
                version: version,
                written: 1,
                ignored: 2,
                rejected: [1, 2],
                [
                    Expected(
                        code: "E7621",
                        message: "Data value is not a valid option of the data element option set: `\(id.remarks)`",
                        objects: [("dataElement", id.remarks)],
                        property: "value",
                        indexes: [1, 2]
                    )
                ]
            )
        }
    }

    @Test(arguments: versions) func attributeOptionComboDatesAndOrgUnits(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let configure: (inout SimulatorConfiguration) -> Void = {
            $0.dataEntryRules.categoryOptionDates = [id.fixedOption: .init(start: "2024-03-01", end: "2024-03-31")]
            $0.dataEntryRules.categoryOptionOrgUnits = [id.outreachOption: [id.firstRegion]]
        }
        try await Self.with(version, configure) { sim in
            let fixed = ",\"attributeOptionCombo\":\"\(id.fixedCombo)\""
            let outreach = ",\"attributeOptionCombo\":\"\(id.outreachCombo)\""
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [
                    (id.anc4, "202401", id.facility, "1", fixed),  // ends before the option starts
                    (id.anc4, "202403", id.facility, "2", fixed),
                    (id.anc4, "2024Q2", id.facility, "3", fixed),  // starts after the option ends
                    (id.anc4, "202401", id.facility, "4", outreach),
                    (id.anc4, "202401", id.outsideFacility, "5", outreach),
                ]
            )
            Self.expectWarning(
                try await sim.post("/api/dataValueSets", json: body),
                version: version,
                written: 2,
                ignored: 3,
                rejected: [0, 2, 4],
                [
                    Expected(
                        code: "E7638",
                        message:
                            "Period: `202401` is not within date range of attribute option combo: `\(id.fixedCombo)`",
                        objects: [("period", "202401"), ("categoryOptionCombo", id.fixedCombo)],
                        property: "period",
                        indexes: [0]
                    ),
                    Expected(
                        code: "E7638",
                        message:
                            "Period: `2024Q2` is not within date range of attribute option combo: `\(id.fixedCombo)`",
                        objects: [("period", "2024Q2"), ("categoryOptionCombo", id.fixedCombo)],
                        property: "period",
                        indexes: [2]
                    ),
                    Expected(
                        code: "E7639",
                        message:
                            "Organisation unit: `\(id.outsideFacility)` is not valid for attribute option combo: `\(id.outreachCombo)`",
                        objects: [("organisationUnit", id.outsideFacility), ("categoryOptionCombo", id.outreachCombo)],
                        property: "orgUnit",
                        indexes: [4]
                    ),
                ]
            )
        }
    }

    @Test(arguments: versions) func expiredPeriodsForUsersWithoutAll(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let expiring: (inout SimulatorConfiguration) -> Void = {
            $0.dataEntryRules.expiryDays = [id.reproductive: 10]
            $0.writeAccess.superuser = false
        }
        try await Self.with(version, expiring) { sim in
            let me = try await sim.get("/api/me")
            #expect(me.json?["authorities"]?.arrayValue?.contains(.string("ALL")) == false)
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [(id.anc4, "202401", id.facility, "1", "")]
            )
            let expected = Expected(
                code: "E7640",
                message: "Current date is past expiry days for period: `202401`  and data set: `\(id.reproductive)`",
                objects: [("period", "202401"), ("dataSet", id.reproductive)],
                property: "period",
                indexes: [0]
            )
            let reply = try await sim.post("/api/dataValueSets", json: body)
            Self.expectWarning(reply, version: version, written: 0, ignored: 1, rejected: [0], [expected])
            // `force` bypasses only for a superuser.
            let forced = try await sim.post("/api/dataValueSets", [("force", "true")], json: body)
            Self.expectWarning(forced, version: version, written: 0, ignored: 1, rejected: [0], [expected])
        }
        // A superuser edits expired periods.
        let setup: (inout SimulatorConfiguration) -> Void = { $0.dataEntryRules.expiryDays = [id.reproductive: 10] }
        try await Self.with(version, setup) { sim in
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [(id.anc4, "202401", id.facility, "1", "")]
            )
            let reply = try await sim.post("/api/dataValueSets", json: body)
            #expect(reply.status == 200)
        }
    }

    @Test(arguments: versions) func approvedDataIsRefused(version: ServerVersion) async throws {
        let id = try await Self.ids()
        try await Self.with(version) { sim in
            #expect(sim.simulator.approve(dataSet: id.reproductive, period: "202401", orgUnit: id.district))
            let body = ImportTests.payload(
                header: "\"dataSet\":\"\(id.reproductive)\",",
                [
                    (id.anc4, "202401", id.facility, "1", ""),  // under the approved district
                    (id.anc4, "202402", id.facility, "2", ""),
                    (id.anc4, "202401", id.outsideFacility, "3", ""),
                ]
            )
            let expected = Expected(
                code: "E7642",
                message:
                    "Data already approved for data set: `\(id.reproductive)` period: `202401` org unit: `\(id.facility)` attribute option combo: `HllvX50cXC0`",
                objects: [
                    ("organisationUnit", id.facility), ("period", "202401"), ("categoryOptionCombo", "HllvX50cXC0"),
                    ("dataSet", id.reproductive),
                ],
                property: nil,
                indexes: [0]
            )
            Self.expectWarning(
                try await sim.post("/api/dataValueSets", json: body),
                version: version,
                written: 2,
                ignored: 1,
                rejected: [0],
                [expected]
            )
            // A superuser's `force` writes through the approval.
            let forced = try await sim.post("/api/dataValueSets", [("force", "true")], json: body)
            #expect(forced.status == 200)
            sim.simulator.unapprove(dataSet: id.reproductive, period: "202401", orgUnit: id.district)
        }
    }

    /// Without a header data set, the element's data sets are the targets: one unapproved data set is enough,
    /// unless `strictDataSetApproval` asks for all (2.40 only: 2.43 refuses such a payload with E8002).
    @Test func approvalOfOneOfTwoDataSets() async throws {
        let id = try await Self.ids()
        try await Self.with(.v2_40) { sim in
            sim.simulator.approve(dataSet: id.reproductive, period: "202401", orgUnit: id.facility)
            let body = ImportTests.payload([(id.anc1, "202401", id.facility, "1", "")])
            #expect(try await sim.post("/api/dataValueSets", json: body).status == 200)
            let strict = try await sim.post("/api/dataValueSets", [("strictDataSetApproval", "true")], json: body)
            #expect(strict.json?["response"]?["importOptions"]?["strictDataSetApproval"]?.boolValue == true)
            #expect(strict.json?["response"]?["conflicts"]?[0]?["errorCode"]?.stringValue == "E7642")
            #expect(ImportTests.count(strict) == [0, 0, 1, 0])
        }
    }

    @Test(arguments: versions) func dataInputPeriods(version: ServerVersion) async throws {
        let id = try await Self.ids()
        let configure: (inout SimulatorConfiguration) -> Void = {
            $0.dataEntryRules.dataInputPeriods = [
                id.reproductive: [
                    .init(period: "202401", openingDate: "2024-02-01", closingDate: "2024-03-01"),
                    .init(period: "202402", openingDate: "2024-03-01"),
                ]
            ]
        }
        try await Self.with(version, configure) { sim in
            let rows: [(String, String, String, String?, String)] = [
                (id.anc4, "202401", id.facility, "1", ""),  // closed since 2024-03-01
                (id.anc4, "202402", id.facility, "2", ""),  // open
                (id.anc4, "202403", id.facility, "3", ""),  // not an input period
            ]
            let reply = try await sim.post(
                "/api/dataValueSets",
                json: ImportTests.payload(header: "\"dataSet\":\"\(id.reproductive)\",", rows)
            )
            func notOpen(_ period: String, _ index: Int) -> Expected {
                Expected(
                    code: "E7643",
                    message: "Period: `\(period)` is not open for this data set at this time: `\(id.reproductive)`",
                    objects: [("period", period), ("dataSet", id.reproductive)],
                    property: "period",
                    indexes: [index]
                )
            }
            Self.expectWarning(
                reply,
                version: version,
                written: 1,
                ignored: 2,
                rejected: [0, 2],
                [notOpen("202401", 0), notOpen("202403", 2)]
            )
            // Under another (open) data set's header the element's own data sets still decide: E7644.
            let other = try await sim.post(
                "/api/dataValueSets",
                json: ImportTests.payload(header: "\"dataSet\":\"\(id.morbidity)\",", [rows[0]])
            )
            Self.expectWarning(
                other,
                version: version,
                written: 0,
                ignored: 1,
                rejected: [0],
                [
                    Expected(
                        code: "E7644",
                        message: "Period: `202401` does not conform to the open periods of associated data sets",
                        objects: [("period", "202401")],
                        property: "period",
                        indexes: [0]
                    )
                ]
            )
            // A superuser's `force` skips both.
            let forced = try await sim.post(
                "/api/dataValueSets",
                [("force", "true")],
                json: ImportTests.payload(header: "\"dataSet\":\"\(id.reproductive)\",", rows)
            )
            #expect(forced.status == 200)
        }
    }
}

extension ImportConstraintTests {
    /// The header AOC abort and the option-driven rows (E7620, E7630–E7637), one value each, on 2.40.
    @Test func strictAndRequireOptions() async throws {
        let id = try await Self.ids()
        try await Self.with(.v2_40) { sim in
            let district = id.district
            let rh = id.reproductive
            let header = "\"dataSet\":\"\(rh)\","
            let fixedCOC = ",\"categoryOptionCombo\":\"\(id.fixedCombo)\""
            let fixedAOC = ",\"attributeOptionCombo\":\"\(id.fixedCombo)\""
            let longComment = ",\"comment\":\"\(String(repeating: "c", count: 5_001))\""
            let longStoredBy = ",\"storedBy\":\"\(String(repeating: "s", count: 256))\""
            let cases: [(String, [(String, String)], (String, String, String, String?, String), Expected)] = [
                (
                    "", [], (id.anc4, "202401", id.facility, "1", longComment),
                    Expected(
                        code: "E7620",
                        message: "Invalid comment: comment_length_greater_than_max_length",
                        objects: [("comment", "comment_length_greater_than_max_length")],
                        property: "comment",
                        indexes: [0]
                    )
                ),
                (
                    header, [("requireCategoryOptionCombo", "true")], (id.anc4, "202401", id.facility, "1", ""),
                    Expected(
                        code: "E7630",
                        message: "Category option combo is required but is not specified",
                        objects: [],
                        property: "categoryOptionCombo",
                        indexes: [0]
                    )
                ),
                (
                    header, [("requireAttributeOptionCombo", "true")], (id.anc4, "202401", id.facility, "1", ""),
                    Expected(
                        code: "E7631",
                        message: "Attribute option combo is required but is not specified",
                        objects: [],
                        property: "attributeOptionCombo",
                        indexes: [0]
                    )
                ),
                (
                    header, [("strictPeriods", "true")], (id.anc4, "2024Q1", id.facility, "1", ""),
                    Expected(
                        code: "E7632",
                        message: "Period type of period: `2024Q1` not valid for data element: `\(id.anc4)`",
                        objects: [("period", "2024Q1"), ("dataElement", id.anc4)],
                        property: nil,
                        indexes: [0]
                    )
                ),
                (
                    header, [("strictDataElements", "true")], (id.measles, "202401", id.facility, "1", ""),
                    Expected(
                        code: "E7633",
                        message: "Data element: `\(id.measles)` is not part of dataset: `\(rh)`",
                        objects: [("dataElement", id.measles), ("dataSet", rh)],
                        property: "dataElement",
                        indexes: [0]
                    )
                ),
                (
                    header, [("strictCategoryOptionCombos", "true")], (id.anc4, "202401", id.facility, "1", fixedCOC),
                    Expected(
                        code: "E7634",
                        message:
                            "Category option combo: `\(id.fixedCombo)` must be part of category combo of data element: `\(id.anc4)`",
                        objects: [("categoryOptionCombo", id.fixedCombo), ("dataElement", id.anc4)],
                        property: "categoryOptionCombo",
                        indexes: [0]
                    )
                ),
                (
                    header, [("strictAttributeOptionCombos", "true")], (id.anc4, "202401", id.facility, "1", fixedAOC),
                    Expected(
                        code: "E7635",
                        message:
                            "Attribute option combo: `\(id.fixedCombo)` must be part of category combo of data sets of data element: `\(id.anc4)`",
                        objects: [("categoryOptionCombo", id.fixedCombo), ("dataElement", id.anc4)],
                        property: "attributeOptionCombo",
                        indexes: [0]
                    )
                ),
                (
                    header, [("strictOrganisationUnits", "true")], (id.anc4, "202401", district, "1", ""),
                    Expected(
                        code: "E7636",
                        message:
                            "Data element: `\(id.anc4)` must be assigned through data sets to organisation unit: `\(district)`",
                        objects: [("organisationUnit", district), ("dataElement", id.anc4)],
                        property: "orgUnit",
                        indexes: [0]
                    )
                ),
                (
                    header, [], (id.anc4, "202401", id.facility, "1", longStoredBy),
                    Expected(
                        code: "E7637",
                        message: "Invalid storedBy: stored_by_length_greater_than_max_length",
                        objects: [("storedBy", "stored_by_length_greater_than_max_length")],
                        property: "storedBy",
                        indexes: [0]
                    )
                ),
            ]
            for (head, query, row, expected) in cases {
                let reply = try await sim.post(
                    "/api/dataValueSets",
                    query,
                    json: ImportTests.payload(header: head, [row])
                )
                Self.expectWarning(reply, version: .v2_40, written: 0, ignored: 1, rejected: [0], [expected])
            }
            // A header attribute option combo that does not exist aborts, naming the header's data set.
            let abort = try await sim.post(
                "/api/dataValueSets",
                json: ImportTests.payload(
                    header: header + "\"attributeOptionCombo\":\"XXXXXXXXXXX\",",
                    [(id.anc4, "202401", id.facility, "1", "")]
                )
            )
            #expect(abort.status == 409)
            #expect(abort.json?["response"]?["status"]?.stringValue == "ERROR")
            Self.expectConflicts(
                abort.json?["response"]?["conflicts"]?.arrayValue ?? [],
                [
                    Expected(
                        code: "E7604",
                        message: "Attribute option combo not found or not accessible: `XXXXXXXXXXX`",
                        objects: [("categoryOptionCombo", "XXXXXXXXXXX"), ("dataSet", rh)],
                        property: "attributeOptionCombo"
                    )
                ]
            )
            #expect(sim.simulator.writtenValues().isEmpty)
        }
    }
}
