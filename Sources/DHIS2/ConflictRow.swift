/// One conflict, normalised across DHIS2's report shapes, as the conflict ledger stores it.
///
/// `/api/dataValueSets` reports conflicts with `objects` and `indexes`; `/api/metadata` nests them
/// as typeReports → objectReports → errorReports. Both become rows of this one type.
public struct ConflictRow: Hashable, Sendable {
    /// The kind of object at fault, e.g. `dataElement`, `period`, `DataElement`.
    public var resource: String?
    /// Its id, as the server named it.
    public var uid: String?
    /// The payload field at fault.
    public var property: String?
    /// The offending value, when the server says it.
    public var value: String?
    public var errorCode: String?
    public var message: String
    /// 0-based positions in the payload this conflict covers.
    public var indexes: [Int]

    public init(
        resource: String?,
        uid: String?,
        property: String?,
        value: String?,
        errorCode: String?,
        message: String,
        indexes: [Int]
    ) {
        self.resource = resource
        self.uid = uid
        self.property = property
        self.value = value
        self.errorCode = errorCode
        self.message = message
        self.indexes = indexes
    }
}

extension ImportSummary {
    /// One row per conflict and object; a conflict naming several objects gives several rows.
    public var conflictRows: [ConflictRow] {
        conflicts.flatMap { conflict -> [ConflictRow] in
            let message = conflict.value ?? conflict.errorCode ?? "conflict"
            let indexes = conflict.indexes ?? []
            let objects = (conflict.objects ?? [:]).sorted { $0.key < $1.key }
            guard !objects.isEmpty else {
                return [
                    ConflictRow(
                        resource: conflict.property,
                        uid: conflict.object,
                        property: conflict.property,
                        value: nil,
                        errorCode: conflict.errorCode,
                        message: message,
                        indexes: indexes
                    )
                ]
            }
            return objects.map { resource, uid in
                ConflictRow(
                    resource: resource,
                    uid: uid,
                    property: conflict.property,
                    value: nil,
                    errorCode: conflict.errorCode,
                    message: message,
                    indexes: indexes
                )
            }
        }
    }
}

extension ImportReport {
    /// One row per error report, tagged with the object it belongs to.
    public var conflictRows: [ConflictRow] {
        typeReports.flatMap { typeReport in
            (typeReport.objectReports ?? []).flatMap { objectReport in
                (objectReport.errorReports ?? []).map { error in
                    ConflictRow(
                        resource: Self.shortName(error.mainKlass ?? objectReport.klass ?? typeReport.klass),
                        uid: error.mainId ?? objectReport.uid,
                        property: error.errorProperty,
                        value: error.value,
                        errorCode: error.errorCode,
                        message: error.message ?? error.errorCode ?? "error",
                        indexes: objectReport.index.map { [$0] } ?? []
                    )
                }
            }
        }
    }

    /// `org.hisp.dhis.dataelement.DataElement` → `DataElement`.
    static func shortName(_ klass: String?) -> String? {
        klass.map { String($0.split(separator: ".").last ?? Substring($0)) }
    }
}
