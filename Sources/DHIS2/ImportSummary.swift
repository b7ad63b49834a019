/// The outcome of a data value import (`dhis2-api.md` §2.4): the same object whether it arrives
/// bare (2.36/2.37, task summaries) or inside a WebMessage (2.38+).
public struct ImportSummary: Decodable, Hashable, Sendable {
    /// `SUCCESS`, `WARNING` (some values rejected, the rest committed) or `ERROR` (nothing committed).
    public var status: ImportStatus
    public var description: String?
    public var importCount: ImportCount
    public var conflicts: [ImportConflict]
    /// 0-based positions of rejected values in the payload (2.39.2+); nil when the server predates it.
    public var rejectedIndexes: [Int]?
    /// `false` or the completion date, as DHIS2 renders it; absent on abort.
    public var dataSetComplete: String?

    public init(
        status: ImportStatus,
        description: String? = nil,
        importCount: ImportCount = ImportCount(),
        conflicts: [ImportConflict] = [],
        rejectedIndexes: [Int]? = nil,
        dataSetComplete: String? = nil
    ) {
        self.status = status
        self.description = description
        self.importCount = importCount
        self.conflicts = conflicts
        self.rejectedIndexes = rejectedIndexes
        self.dataSetComplete = dataSetComplete
    }

    private enum CodingKeys: String, CodingKey {
        case status, description, importCount, conflicts, rejectedIndexes, dataSetComplete
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(ImportStatus.self, forKey: .status)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        importCount = try container.decodeIfPresent(ImportCount.self, forKey: .importCount) ?? ImportCount()
        conflicts = try container.decodeIfPresent([ImportConflict].self, forKey: .conflicts) ?? []
        rejectedIndexes = try container.decodeIfPresent([Int].self, forKey: .rejectedIndexes)
        // Rendered as the string "false" or a date; tolerate a JSON boolean too.
        if let text = try? container.decodeIfPresent(String.self, forKey: .dataSetComplete) {
            dataSetComplete = text
        } else if let flag = try? container.decodeIfPresent(Bool.self, forKey: .dataSetComplete) {
            dataSetComplete = String(flag)
        } else {
            dataSetComplete = nil
        }
    }

    /// True when the server wrote nothing: the import was aborted as a whole.
    public var committedNothing: Bool { status == .error }
}

/// An import status; unknown spellings are kept, so a newer server cannot break decoding.
public struct ImportStatus: RawRepresentable, Decodable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public static let success = ImportStatus(rawValue: "SUCCESS")
    public static let warning = ImportStatus(rawValue: "WARNING")
    public static let error = ImportStatus(rawValue: "ERROR")
    /// What metadata import reports say for success.
    public static let ok = ImportStatus(rawValue: "OK")

    public var description: String { rawValue }
}

/// Counts of an import, in DHIS2's order.
public struct ImportCount: Codable, Hashable, Sendable {
    public var imported: Int
    public var updated: Int
    public var ignored: Int
    public var deleted: Int

    public init(imported: Int = 0, updated: Int = 0, ignored: Int = 0, deleted: Int = 0) {
        self.imported = imported
        self.updated = updated
        self.ignored = ignored
        self.deleted = deleted
    }

    public static func + (lhs: ImportCount, rhs: ImportCount) -> ImportCount {
        ImportCount(
            imported: lhs.imported + rhs.imported,
            updated: lhs.updated + rhs.updated,
            ignored: lhs.ignored + rhs.ignored,
            deleted: lhs.deleted + rhs.deleted
        )
    }
}

/// One conflict of a data value import; conflicts are de-duplicated by code and objects, so one
/// conflict may stand for many values (`indexes`).
public struct ImportConflict: Decodable, Hashable, Sendable {
    /// The first id of `objects` (legacy field).
    public var object: String?
    /// Schema singular name → id, e.g. `["dataElement": "…"]`.
    public var objects: [String: String]?
    /// The human-readable message (DHIS2 calls it `value` for backward compatibility).
    public var value: String?
    public var errorCode: String?
    /// The payload field at fault, e.g. `period`.
    public var property: String?
    /// 0-based positions in the payload's `dataValues`; absent for header-level conflicts.
    public var indexes: [Int]?

    public init(
        object: String? = nil,
        objects: [String: String]? = nil,
        value: String? = nil,
        errorCode: String? = nil,
        property: String? = nil,
        indexes: [Int]? = nil
    ) {
        self.object = object
        self.objects = objects
        self.value = value
        self.errorCode = errorCode
        self.property = property
        self.indexes = indexes
    }
}
