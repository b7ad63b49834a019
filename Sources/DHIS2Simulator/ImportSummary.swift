/// The `ImportSummary` of a data value import (reference §2.4), built up while values are processed.
struct ImportSummary: Sendable {
    enum Status: String, Sendable {
        case success = "SUCCESS"
        case warning = "WARNING"
        case error = "ERROR"
    }

    struct Conflict: Sendable {
        var objects: [(String, String)]
        var message: String
        var errorCode: String
        var property: String?
        /// Nil for header-level conflicts, which carry no `indexes`.
        var indexes: [Int]?
    }

    var imported = 0
    var updated = 0
    var ignored = 0
    var deleted = 0
    var conflicts: [Conflict] = []
    var rejectedIndexes: [Int] = []
    var aborted = false
    var failure: String?
    var dataSetComplete = "false"
    private var conflictPosition: [String: Int] = [:]

    /// Adds a per-value conflict, merged with an earlier one of the same code and objects (as DHIS2 does).
    /// A rule may report several conflicts for one value (one per data set or category option); only the
    /// first of them, `countsValue`, counts the value as ignored.
    mutating func conflict(
        index: Int,
        _ errorCode: String,
        _ message: String,
        objects: [(String, String)],
        property: String?,
        countsValue: Bool = true
    ) {
        if countsValue {
            ignored += 1
            rejectedIndexes.append(index)
        }
        let key = errorCode + "|" + objects.map { $0.0 + "=" + $0.1 }.joined(separator: "|")
        if let position = conflictPosition[key] {
            conflicts[position].indexes?.append(index)
            return
        }
        conflictPosition[key] = conflicts.count
        conflicts.append(
            Conflict(objects: objects, message: message, errorCode: errorCode, property: property, indexes: [index])
        )
    }

    /// Records a header-level problem that aborts the whole import.
    mutating func abort(_ errorCode: String, _ message: String, objects: [(String, String)], property: String?) {
        aborted = true
        conflicts.append(
            Conflict(objects: objects, message: message, errorCode: errorCode, property: property, indexes: nil)
        )
    }

    var status: Status {
        if aborted || failure != nil { return .error }
        return conflicts.isEmpty ? .success : .warning
    }

    var description: String {
        if let failure { return "The import process failed: \(failure)" }
        return aborted ? "Import process was aborted" : "Import process completed successfully"
    }

    func json(options: ImportOptions, version: ServerVersion) -> JSONValue {
        var builder = JSONObjectBuilder()
        builder.add("responseType", "ImportSummary")
        builder.add("status", status.rawValue)
        builder.add("importOptions", options.json)
        builder.add("description", description)
        builder.add(
            "importCount",
            .object([
                JSONMember("imported", .int(imported)), JSONMember("updated", .int(updated)),
                JSONMember("ignored", .int(ignored)), JSONMember("deleted", .int(deleted)),
            ])
        )
        builder.add("conflicts", .array(conflicts.map(\.json)))
        if version.reportsRejectedIndexes { builder.add("rejectedIndexes", .array(rejectedIndexes.map { .int($0) })) }
        if !aborted && failure == nil { builder.add("dataSetComplete", dataSetComplete) }
        return builder.value
    }

    /// "Import complete with status SUCCESS, 2 created, 0 updated, 0 deleted, 0 ignored" (2.41+ jobs).
    var completionMessage: String {
        "Import complete with status \(status.rawValue), \(imported) created, \(updated) updated, "
            + "\(deleted) deleted, \(ignored) ignored"
    }
}

extension ImportSummary.Conflict {
    var json: JSONValue {
        var builder = JSONObjectBuilder()
        builder.add("object", objects.first?.1)
        builder.add("objects", .object(objects.map { JSONMember($0.0, .string($0.1)) }))
        builder.add("value", message)
        builder.add("errorCode", errorCode)
        builder.add("property", property)
        if let indexes { builder.add("indexes", .array(indexes.map { .int($0) })) }
        return builder.value
    }
}
