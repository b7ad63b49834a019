/// One `ErrorReport` of an `ObjectReport` (reference §3.1), as the tracker-schema endpoints build them.
struct TrackerErrorReport: Sendable, Hashable {
    var errorCode: String
    var message: String
    var property: String?
    var arguments: [String]

    /// `E4000`: a required property is absent or blank.
    static func missing(_ property: String) -> TrackerErrorReport {
        TrackerErrorReport(
            errorCode: "E4000",
            message: "Missing required property `\(property)`.",
            property: property,
            arguments: [property]
        )
    }

    /// `E5001`: a reference to an object that does not exist.
    static func noMatch(_ id: String, _ className: String, property: String) -> TrackerErrorReport {
        TrackerErrorReport(
            errorCode: "E5001",
            message: "No matching object for reference. Identifier was \(id), and object was \(className).",
            property: property,
            arguments: [id, className]
        )
    }

    func json(mainKlass: String) -> JSONValue {
        var builder = JSONObjectBuilder()
        builder.add("message", message)
        builder.add("mainKlass", mainKlass)
        builder.add("errorCode", errorCode)
        builder.add("errorProperty", property)
        builder.add("errorProperties", .array(arguments.map { .string($0) }))
        return builder.value
    }
}

extension WebMessage {
    /// The `ObjectReport` envelope of a single-object write: 201/200 OK, or 409 WARNING with the errors.
    static func objectReport(
        _ httpStatusCode: Int,
        kind: TrackerSchemaKind,
        uid: String?,
        errors: [TrackerErrorReport] = []
    ) -> WebMessage {
        var response = JSONObjectBuilder()
        response.add("responseType", "ObjectReport")
        response.add("uid", uid)
        response.add("klass", kind.klass)
        response.add("errorReports", .array(errors.map { $0.json(mainKlass: kind.klass) }))
        let failed = httpStatusCode >= 400
        return WebMessage(
            httpStatusCode,
            status: failed ? "WARNING" : "OK",
            message: failed ? "One or more errors occurred, please see full details in import report." : nil,
            response: response.value
        )
    }
}
