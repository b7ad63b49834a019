import DHIS2
import Testing

/// Single-object write answers (`dhis2-api.md` §3.1), verbatim where the reference gives them.
@Suite("Object write answers")
struct ObjectWriteResultTests {
    static func decode(_ status: Int, _ body: String) throws(DHIS2Error) -> ObjectWriteResult {
        try ObjectWriteResult.decode(status: status, body: Array(body.utf8), endpoint: "POST /api/programs")
    }

    @Test func createdCarriesTheUID() throws {
        let result = try Self.decode(
            201,
            #"{"httpStatus":"Created","httpStatusCode":201,"status":"OK","response":{"responseType":"ObjectReport","uid":"IpHINAT79UW","klass":"org.hisp.dhis.program.Program","errorReports":[]}}"#
        )
        #expect(result.succeeded)
        #expect(result.uid == "IpHINAT79UW")
        #expect(result.klass == "org.hisp.dhis.program.Program")
        #expect(result.errors.isEmpty)
    }

    @Test func conflictWithErrorReportsIsAResult() throws {
        let result = try Self.decode(
            409,
            #"{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING","response":{"responseType":"ObjectReport","klass":"org.hisp.dhis.program.Program","errorReports":[{"message":"No matching object for reference. Identifier was s46m5MS0hxu, and object was DataElement.","mainKlass":"org.hisp.dhis.dataelement.DataElement","errorCode":"E5001","errorProperty":"dataElement","errorProperties":["s46m5MS0hxu","DataElement"]}]}}"#
        )
        #expect(!result.succeeded)
        #expect(result.status == "WARNING")
        let row = try #require(result.errors.first)
        #expect(row.errorCode == "E5001")
        #expect(row.resource == "DataElement")
        #expect(row.property == "dataElement")
        #expect(row.message.hasPrefix("No matching object"))
    }

    @Test func emptyBodiesAndRefusals() throws {
        #expect(try Self.decode(204, "").succeeded)
        let refused = #expect(throws: DHIS2Error.self) {
            _ = try Self.decode(
                409,
                #"{"httpStatus":"Conflict","httpStatusCode":409,"status":"ERROR","message":"in use","errorCode":"E4030"}"#
            )
        }
        #expect(refused?.code == .conflict)
        #expect(refused?.webMessage?.errorCode == "E4030")
        let html = #expect(throws: DHIS2Error.self) { _ = try Self.decode(409, "<html></html>") }
        #expect(html?.code == .conflict)
        let garbled = #expect(throws: DHIS2Error.self) { _ = try Self.decode(200, "<html></html>") }
        #expect(garbled?.code == .unexpectedResponse)
    }
}
