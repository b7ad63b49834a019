import Foundation

/// Reads import answers whatever the server version (`dhis2-api.md` §2.4, §3.1).
///
/// A 409 from an import is a *result*: on 2.38–2.42 `WARNING` committed every value not rejected,
/// and `ERROR` committed nothing. Only a 409 without an import summary is a refusal.
public enum ImportResponse {
    /// The answer to a synchronous `POST /api/dataValueSets`, or a task summary.
    ///
    /// - 2.36/2.37 (and `/api/37/…`): a bare ImportSummary with 200.
    /// - 2.38–2.42: WebMessage with `response` = ImportSummary; 200 SUCCESS, 409 WARNING or ERROR.
    /// - 2.43: as 2.38, but WARNING comes with 200.
    public static func dataValueSet(status: Int, body: [UInt8], endpoint: String) throws(DHIS2Error) -> ImportSummary {
        try decodeReport(ImportSummary.self, marker: "importCount", status: status, body: body, endpoint: endpoint)
    }

    /// The answer to `POST /api/metadata` (bare before 2.38, enveloped after; 409 WARNING on errors).
    public static func metadata(status: Int, body: [UInt8], endpoint: String) throws(DHIS2Error) -> ImportReport {
        try decodeReport(ImportReport.self, marker: "typeReports", status: status, body: body, endpoint: endpoint)
    }

    private static func decodeReport<Report: Decodable>(
        _: Report.Type,
        marker: String,
        status: Int,
        body: [UInt8],
        endpoint: String
    ) throws(DHIS2Error) -> Report {
        guard (200..<300).contains(status) || status == 409 else {
            throw HTTPFailure.error(status: status, body: body, endpoint: endpoint)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw DHIS2Error(
                code: .unexpectedResponse,
                detail: "the import answer is not a JSON object (\(body.count) bytes)",
                httpStatus: status,
                endpoint: endpoint
            )
        }
        let reportObject: [String: Any]
        if object[marker] != nil || object["responseType"] as? String == String(describing: Report.self) {
            reportObject = object
        } else if let response = object["response"] as? [String: Any], response["status"] != nil {
            reportObject = response
        } else {
            // A WebMessage without a report: the request was refused as a whole.
            throw HTTPFailure.error(status: status == 200 ? 422 : status, body: body, endpoint: endpoint)
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: reportObject)
            return try JSONDecoder().decode(Report.self, from: data)
        } catch {
            throw DHIS2Error(
                code: .unexpectedResponse,
                detail: "cannot read the import report: \(error)",
                httpStatus: status,
                endpoint: endpoint
            )
        }
    }
}

/// Maps a non-success HTTP answer to a ``DHIS2Error``, keeping DHIS2's WebMessage when there is one.
public enum HTTPFailure {
    public static func error(status: Int, body: [UInt8], endpoint: String) -> DHIS2Error {
        let message = try? JSONDecoder().decode(WebMessage.self, from: Data(body))
        let (code, detail): (DHIS2Error.Code, String) =
            switch status {
            case 301, 302, 303, 307, 308:
                (.unauthenticated, "redirected to the login page: credentials missing or not accepted")
            case 401: (.unauthenticated, "credentials not accepted")
            case 403: (.forbidden, "access denied")
            case 404: (.notFound, "not found")
            case 409: (.conflict, "refused")
            case 400..<500: (.badRequest, "request rejected")
            case 500..<600: (.server, "server error")
            default: (.unexpectedResponse, "unexpected HTTP status")
            }
        return DHIS2Error(code: code, detail: detail, httpStatus: status, webMessage: message, endpoint: endpoint)
    }
}
