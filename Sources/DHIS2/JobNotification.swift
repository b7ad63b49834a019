import Foundation

/// A DHIS2 job type, e.g. `ANALYTICS_TABLE` (`dhis2-api.md` §5.4).
///
/// Any text decodes (the standard library's `RawRepresentable` coding, with an initialiser that cannot
/// fail): servers add job types between releases, and a poller must not fail on one it does not know.
public struct JobType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// `POST /api/resourceTables/analytics`.
    public static let analyticsTable = JobType("ANALYTICS_TABLE")
    /// `POST /api/resourceTables`.
    public static let resourceTable = JobType("RESOURCE_TABLE")
    /// `POST /api/resourceTables/monitoring`.
    public static let monitoring = JobType("MONITORING")
    /// `POST /api/dataIntegrity/summary` and the legacy `POST /api/dataIntegrity`.
    public static let dataIntegrity = JobType("DATA_INTEGRITY")
    /// `POST /api/dataIntegrity/details`.
    public static let dataIntegrityDetails = JobType("DATA_INTEGRITY_DETAILS")
    /// `POST /api/dataValueSets?async=true`.
    public static let dataValueImport = JobType("DATAVALUE_IMPORT")
    /// `POST /api/metadata?async=true`.
    public static let metadataImport = JobType("METADATA_IMPORT")
}

/// The level of a job notification: `OFF, DEBUG, LOOP, INFO, WARN, ERROR`; unknown levels decode too.
public struct NotificationLevel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let debug = NotificationLevel(rawValue: "DEBUG")
    public static let loop = NotificationLevel(rawValue: "LOOP")
    public static let info = NotificationLevel(rawValue: "INFO")
    public static let warn = NotificationLevel(rawValue: "WARN")
    public static let error = NotificationLevel(rawValue: "ERROR")
}

/// One entry of `GET /api/system/tasks/{jobType}/{jobId}` (`Notification.java`, `dhis2-api.md` §5.4).
///
/// Named `JobNotification`, not `Notification`, so that files importing Foundation as well can use it
/// unqualified.
public struct JobNotification: Decodable, Sendable, Hashable {
    /// Unique per notification: what a poller de-duplicates on.
    public var uid: String
    public var level: NotificationLevel
    /// The job type that wrote it.
    public var category: JobType?
    /// Server local time without zone, `yyyy-MM-dd'T'HH:mm:ss.SSS`.
    public var time: String?
    public var message: String?
    public var completed: Bool
    /// Only `PARAMETERS` exists; omitted when `data` is.
    public var dataType: String?
    /// The notification's `data` as JSON text (keys sorted), when it has any.
    public var data: String?

    public init(
        uid: String,
        level: NotificationLevel = .info,
        category: JobType? = nil,
        time: String? = nil,
        message: String? = nil,
        completed: Bool = false,
        dataType: String? = nil,
        data: String? = nil
    ) {
        self.uid = uid
        self.level = level
        self.category = category
        self.time = time
        self.message = message
        self.completed = completed
        self.dataType = dataType
        self.data = data
    }

    /// The job has ended: completed, or failed (`ERROR`, which 2.38–2.43 also mark completed).
    public var isTerminal: Bool { completed || level == .error }

    /// The job ended in failure.
    public var isFailure: Bool { level == .error }

    private enum CodingKeys: String, CodingKey {
        case uid, id, level, category, time, message, completed, dataType, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // `id` is a getter-only copy of `uid`; accept either in case one is trimmed away (`gist`).
        guard
            let uid = try container.decodeIfPresent(String.self, forKey: .uid)
                ?? container.decodeIfPresent(String.self, forKey: .id)
        else {
            throw DecodingError.keyNotFound(
                CodingKeys.uid,
                DecodingError.Context(codingPath: container.codingPath, debugDescription: "a notification has no uid")
            )
        }
        self.uid = uid
        level = try container.decodeIfPresent(NotificationLevel.self, forKey: .level) ?? .info
        category = try container.decodeIfPresent(JobType.self, forKey: .category)
        time = try container.decodeIfPresent(String.self, forKey: .time)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        completed = try container.decodeIfPresent(Bool.self, forKey: .completed) ?? false
        dataType = try container.decodeIfPresent(String.self, forKey: .dataType)
        if let raw = try container.decodeIfPresent(JSONScalarOrObject.self, forKey: .data), !raw.isNull {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            data = String(decoding: try encoder.encode(raw), as: UTF8.self)
        }
    }
}

extension JSONScalarOrObject {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
