import Foundation

/// The answer to a single-object write (`POST`, `PUT`, `DELETE` on `/api/<collection>[/{id}]`): DHIS2's
/// WebMessage with an `ObjectReport` (`dhis2-api.md` §3.1).
///
/// A 409 carrying an ObjectReport is a result — the object was refused for the reasons in `errors` — so it
/// is returned, not thrown; check ``succeeded``.
public struct ObjectWriteResult: Hashable, Sendable {
    /// The HTTP status of the answer.
    public var httpStatus: Int
    /// `OK`, `WARNING` or `ERROR`.
    public var status: String
    /// The object's id; for a create, the id the server assigned.
    public var uid: String?
    /// The Java class name, e.g. `org.hisp.dhis.program.Program`.
    public var klass: String?
    /// One row per error report.
    public var errors: [ConflictRow]

    public init(httpStatus: Int, status: String, uid: String?, klass: String?, errors: [ConflictRow]) {
        self.httpStatus = httpStatus
        self.status = status
        self.uid = uid
        self.klass = klass
        self.errors = errors
    }

    public var succeeded: Bool { (200..<300).contains(httpStatus) && errors.isEmpty }

    private struct Envelope: Decodable {
        struct Report: Decodable {
            var uid: String?
            var klass: String?
            var errorReports: [ImportReport.ErrorReport]?
        }
        var status: String?
        var response: Report?
    }

    /// Reads the answer; a non-2xx status without an ObjectReport is a refusal and throws.
    public static func decode(status: Int, body: [UInt8], endpoint: String) throws(DHIS2Error) -> ObjectWriteResult {
        // 204 and some 200s come without a body.
        if (200..<300).contains(status) && body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) {
            return ObjectWriteResult(httpStatus: status, status: "OK", uid: nil, klass: nil, errors: [])
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) else {
            if (200..<300).contains(status) {
                throw DHIS2Error(
                    code: .unexpectedResponse,
                    detail: "the answer is not a WebMessage (\(body.count) bytes)",
                    httpStatus: status,
                    endpoint: endpoint
                )
            }
            throw HTTPFailure.error(status: status, body: body, endpoint: endpoint)
        }
        guard let report = envelope.response, report.errorReports != nil || (200..<300).contains(status) else {
            guard (200..<300).contains(status) else {
                throw HTTPFailure.error(status: status, body: body, endpoint: endpoint)
            }
            return ObjectWriteResult(
                httpStatus: status,
                status: envelope.status ?? "OK",
                uid: nil,
                klass: nil,
                errors: []
            )
        }
        let errors = (report.errorReports ?? []).map { error in
            ConflictRow(
                resource: ImportReport.shortName(error.mainKlass ?? report.klass),
                uid: error.mainId ?? report.uid,
                property: error.errorProperty,
                value: error.value,
                errorCode: error.errorCode,
                message: error.message ?? error.errorCode ?? "error",
                indexes: []
            )
        }
        return ObjectWriteResult(
            httpStatus: status,
            status: envelope.status ?? "OK",
            uid: report.uid,
            klass: report.klass,
            errors: errors
        )
    }

    /// Throws unless the write succeeded; the first error's code is kept in the WebMessage.
    func requireSuccess(_ endpoint: String) throws(DHIS2Error) {
        guard !succeeded else { return }
        let first = errors.first
        let text = errors.map { "\($0.errorCode ?? "?") \($0.message)" }.joined(separator: "; ")
        throw DHIS2Error(
            code: .conflict,
            detail: "refused: \(text)",
            httpStatus: httpStatus,
            webMessage: WebMessage(
                httpStatusCode: httpStatus,
                status: status,
                message: first?.message,
                errorCode: first?.errorCode
            ),
            endpoint: endpoint
        )
    }
}
