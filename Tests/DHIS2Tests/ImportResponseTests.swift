import Foundation
import DHIS2
import Testing

/// Bodies from `dhis2-api.md` §2.5 and §3.1, verbatim where the reference gives them.
@Suite("Import answers across DHIS2 versions")
struct ImportResponseTests {
    static let success240 = """
        {"httpStatus":"OK","httpStatusCode":200,"status":"OK","message":"Import was successful.",
         "response":{"responseType":"ImportSummary","status":"SUCCESS",
           "importOptions":{"idSchemes":{},"dryRun":false,"async":false,"importStrategy":"CREATE_AND_UPDATE"},
           "description":"Import process completed successfully",
           "importCount":{"imported":2,"updated":1,"ignored":0,"deleted":0},
           "conflicts":[],"rejectedIndexes":[],"dataSetComplete":"false"}}
        """

    static let warning240 = """
        {"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING",
         "message":"One more conflicts encountered, please check import summary.",
         "response":{"responseType":"ImportSummary","status":"WARNING",
           "importOptions":{"idSchemes":{},"dryRun":false},
           "description":"Import process completed successfully",
           "importCount":{"imported":1,"updated":0,"ignored":2,"deleted":0},
           "conflicts":[
             {"object":"XXXXXXXXXXX","objects":{"dataElement":"XXXXXXXXXXX"},
              "value":"Data element not found or not accessible: `XXXXXXXXXXX`","errorCode":"E7610",
              "property":"dataElement","indexes":[1]},
             {"object":"2024W54","objects":{"period":"2024W54"},"value":"Period not valid: `2024W54`",
              "errorCode":"E7611","property":"period","indexes":[2]}],
           "rejectedIndexes":[1,2],"dataSetComplete":"false"}}
        """

    static let abort240 = """
        {"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR",
         "message":"An error occurred, please check import summary.",
         "response":{"responseType":"ImportSummary","status":"ERROR","importOptions":{"idSchemes":{}},
           "description":"Import process was aborted",
           "importCount":{"imported":0,"updated":0,"ignored":0,"deleted":0},
           "conflicts":[{"object":"abcdefghijk","objects":{"dataSet":"abcdefghijk"},
             "value":"Data set not found or not accessible: `abcdefghijk`","errorCode":"E7600","property":"dataSet"}],
           "rejectedIndexes":[]}}
        """

    @Test func successEnvelope() throws {
        let summary = try ImportResponse.dataValueSet(
            status: 200,
            body: Array(Self.success240.utf8),
            endpoint: "POST /api/dataValueSets"
        )
        #expect(summary.status == .success)
        #expect(summary.importCount == ImportCount(imported: 2, updated: 1, ignored: 0, deleted: 0))
        #expect(summary.conflicts.isEmpty)
        #expect(summary.rejectedIndexes == [])
        #expect(summary.dataSetComplete == "false")
        #expect(!summary.committedNothing)
    }

    @Test func warning409IsAResultNotAFailure() throws {
        let summary = try ImportResponse.dataValueSet(
            status: 409,
            body: Array(Self.warning240.utf8),
            endpoint: "POST /api/dataValueSets"
        )
        #expect(summary.status == .warning)
        #expect(!summary.committedNothing)
        #expect(summary.importCount.imported == 1)
        #expect(summary.rejectedIndexes == [1, 2])
        let rows = summary.conflictRows
        #expect(
            rows == [
                ConflictRow(
                    resource: "dataElement",
                    uid: "XXXXXXXXXXX",
                    property: "dataElement",
                    value: nil,
                    errorCode: "E7610",
                    message: "Data element not found or not accessible: `XXXXXXXXXXX`",
                    indexes: [1]
                ),
                ConflictRow(
                    resource: "period",
                    uid: "2024W54",
                    property: "period",
                    value: nil,
                    errorCode: "E7611",
                    message: "Period not valid: `2024W54`",
                    indexes: [2]
                ),
            ]
        )
    }

    @Test func error409CommittedNothing() throws {
        let summary = try ImportResponse.dataValueSet(
            status: 409,
            body: Array(Self.abort240.utf8),
            endpoint: "POST /api/dataValueSets"
        )
        #expect(summary.status == .error)
        #expect(summary.committedNothing)
        #expect(summary.dataSetComplete == nil)
        #expect(summary.conflictRows.first?.errorCode == "E7600")
        #expect(summary.conflictRows.first?.indexes == [])
    }

    @Test func bareSummaryOf237AndTaskSummaries() throws {
        // 2.36/2.37 answer the summary itself, with 200 even when values were rejected;
        // 2.37 conflicts have no indexes and the summary no rejectedIndexes.
        let body = """
            {"responseType":"ImportSummary","status":"WARNING","description":"Import process completed successfully",
             "importCount":{"imported":0,"updated":3,"ignored":1,"deleted":0},
             "conflicts":[{"object":"bad","value":"Data element not found or not accessible"}],
             "dataSetComplete":"false"}
            """
        let summary = try ImportResponse.dataValueSet(status: 200, body: Array(body.utf8), endpoint: "x")
        #expect(summary.status == .warning)
        #expect(summary.importCount.updated == 3)
        #expect(summary.rejectedIndexes == nil)
        #expect(summary.conflictRows.first?.uid == "bad")
    }

    @Test func warningWith200On243() throws {
        let body = Self.warning240
            .replacingOccurrences(
                of: "\"httpStatus\":\"Conflict\",\"httpStatusCode\":409",
                with: "\"httpStatus\":\"OK\",\"httpStatusCode\":200"
            )
        let summary = try ImportResponse.dataValueSet(status: 200, body: Array(body.utf8), endpoint: "x")
        #expect(summary.status == .warning)
        #expect(summary.rejectedIndexes == [1, 2])
    }

    @Test func refusalWithoutSummaryIsAnError() throws {
        let body =
            #"{"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR","message":"Data set must be specified","errorCode":"E8002"}"#
        let error = #expect(throws: DHIS2Error.self) {
            try ImportResponse.dataValueSet(status: 409, body: Array(body.utf8), endpoint: "POST /api/dataValueSets")
        }
        #expect(error?.code == .conflict)
        #expect(error?.webMessage?.errorCode == "E8002")
        #expect(error?.description.contains("E8002") == true)
        #expect(error?.description.contains("POST /api/dataValueSets") == true)
    }

    @Test(arguments: [
        (302, DHIS2Error.Code.unauthenticated),
        (401, .unauthenticated),
        (403, .forbidden),
        (404, .notFound),
        (400, .badRequest),
        (500, .server),
        (503, .server),
    ])
    func statusesMapToCodes(status: Int, code: DHIS2Error.Code) throws {
        let body = #"{"httpStatus":"x","httpStatusCode":\#(status),"status":"ERROR","message":"Unauthorized"}"#
        let error = #expect(throws: DHIS2Error.self) {
            try ImportResponse.dataValueSet(status: status, body: Array(body.utf8), endpoint: "x")
        }
        #expect(error?.code == code)
        #expect(error?.httpStatus == status)
    }

    @Test func garbageIsUnexpected() {
        let error = #expect(throws: DHIS2Error.self) {
            try ImportResponse.dataValueSet(status: 200, body: Array("<html>login</html>".utf8), endpoint: "x")
        }
        #expect(error?.code == .unexpectedResponse)
    }

    @Test func metadataReportRowsFromTypeReports() throws {
        let body = """
            {"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING",
             "message":"One or more errors occurred, please see full details in import report.",
             "response":{"responseType":"ImportReport","status":"ERROR",
               "stats":{"created":0,"updated":0,"deleted":0,"ignored":1,"total":1},
               "typeReports":[{"klass":"org.hisp.dhis.dataelement.DataElement",
                 "stats":{"created":0,"updated":0,"deleted":0,"ignored":1,"total":1},
                 "objectReports":[{"klass":"org.hisp.dhis.dataelement.DataElement","index":3,"uid":"deUid000001",
                   "errorReports":[{"message":"No matching object for reference. Identifier was s46m5MS0hxu, and object was DataElement.",
                     "mainKlass":"org.hisp.dhis.dataelement.DataElement","errorCode":"E5001",
                     "errorProperty":"categoryCombo","errorProperties":["s46m5MS0hxu","DataElement"],"value":42}]}]}]}}
            """
        let report = try ImportResponse.metadata(status: 409, body: Array(body.utf8), endpoint: "POST /api/metadata")
        #expect(report.status == .error)
        #expect(report.stats?.ignored == 1)
        #expect(
            report.conflictRows == [
                ConflictRow(
                    resource: "DataElement",
                    uid: "deUid000001",
                    property: "categoryCombo",
                    value: "42",
                    errorCode: "E5001",
                    message:
                        "No matching object for reference. Identifier was s46m5MS0hxu, and object was DataElement.",
                    indexes: [3]
                )
            ]
        )
    }
}

@Suite("DHIS2 versions")
struct DHIS2VersionTests {
    @Test func parsesAndOrders() throws {
        #expect(DHIS2Version("2.40.3") == DHIS2Version(2, 40, 3))
        #expect(DHIS2Version("2.41-SNAPSHOT")?.suffix == "SNAPSHOT")
        #expect(DHIS2Version("2.41-SNAPSHOT")! == .v2_41)
        #expect(DHIS2Version("2.39.1.2")! < .v2_39_2)
        #expect(DHIS2Version("2.39.2")! >= .v2_39_2)
        #expect(DHIS2Version("2.43.0")! >= .v2_43)
        #expect(DHIS2Version("2.9")! < DHIS2Version("2.10")!)
        #expect(DHIS2Version("2.40.3")?.description == "2.40.3")
        for bad in ["", "2", "two.forty", "2.40.x", "2..40", "2.40.1.2.3"] {
            #expect(DHIS2Version(bad) == nil, "\(bad)")
        }
    }
}
