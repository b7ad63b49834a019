/// How bad a data integrity finding is: `INFO < WARNING < SEVERE < CRITICAL`; unknown levels decode and rank
/// lowest.
public struct DataIntegritySeverity: RawRepresentable, Hashable, Comparable, Sendable, Decodable,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let info = DataIntegritySeverity(rawValue: "INFO")
    public static let warning = DataIntegritySeverity(rawValue: "WARNING")
    public static let severe = DataIntegritySeverity(rawValue: "SEVERE")
    public static let critical = DataIntegritySeverity(rawValue: "CRITICAL")

    private var rank: Int { ["INFO": 1, "WARNING": 2, "SEVERE": 3, "CRITICAL": 4][rawValue] ?? 0 }

    public static func < (lhs: DataIntegritySeverity, rhs: DataIntegritySeverity) -> Bool {
        (lhs.rank, lhs.rawValue) < (rhs.rank, rhs.rawValue)
    }

    public var description: String { rawValue }
}

/// A data integrity check as `GET /api/dataIntegrity` lists it (`dhis2-api.md` §5.1).
///
/// 2.38 servers write only name, display name, section, severity and the texts; the rest appeared in 2.39.
public struct DataIntegrityCheck: Decodable, Sendable, Hashable {
    public var name: String
    public var displayName: String?
    public var section: String?
    public var sectionOrder: Int?
    public var severity: DataIntegritySeverity
    public var description: String?
    public var introduction: String?
    public var recommendation: String?
    /// The API collection the issues' ids belong to, e.g. `organisationUnits`.
    public var issuesIdType: String?
    /// Slow checks only run when named: a run without `checks` leaves them out.
    public var isSlow: Bool?
    public var isProgrammatic: Bool?
    /// Initials of the name, e.g. `OIG`; accepted wherever a name is.
    public var code: String?
    /// Milliseconds, once the check has run.
    public var averageExecutionTime: Double?

    public init(name: String, displayName: String? = nil, severity: DataIntegritySeverity = .warning) {
        self.name = name
        self.displayName = displayName
        self.severity = severity
    }

    private enum CodingKeys: String, CodingKey {
        case name, displayName, section, sectionOrder, severity, description, introduction, recommendation
        case issuesIdType, isSlow, isProgrammatic, code, averageExecutionTime
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        section = try container.decodeIfPresent(String.self, forKey: .section)
        sectionOrder = try container.decodeIfPresent(Int.self, forKey: .sectionOrder)
        severity = try container.decodeIfPresent(DataIntegritySeverity.self, forKey: .severity) ?? .warning
        description = try container.decodeIfPresent(String.self, forKey: .description)
        introduction = try container.decodeIfPresent(String.self, forKey: .introduction)
        recommendation = try container.decodeIfPresent(String.self, forKey: .recommendation)
        issuesIdType = try container.decodeIfPresent(String.self, forKey: .issuesIdType)
        isSlow = try container.decodeIfPresent(Bool.self, forKey: .isSlow)
        isProgrammatic = try container.decodeIfPresent(Bool.self, forKey: .isProgrammatic)
        code = try container.decodeIfPresent(String.self, forKey: .code)
        averageExecutionTime = try container.decodeIfPresent(Double.self, forKey: .averageExecutionTime)
    }

    /// What an operator reads: the display name, else the name.
    public var label: String { displayName ?? name }
}

/// One object a check found (`issues[]` of the details).
public struct DataIntegrityIssue: Decodable, Sendable, Hashable {
    /// The object's uid, of the check's `issuesIdType`; absent for objects without one (periods).
    public var id: String?
    public var name: String?
    public var comment: String?
    /// Uids of related objects.
    public var refs: [String]?

    public init(id: String? = nil, name: String? = nil, comment: String? = nil, refs: [String]? = nil) {
        self.id = id
        self.name = name
        self.comment = comment
        self.refs = refs
    }
}

/// One check's outcome: its summary (count, percentage), its details (issues), or both merged.
public struct DataIntegrityResult: Sendable, Hashable {
    public var check: DataIntegrityCheck
    /// From the summary; -1 when the check failed.
    public var count: Int?
    /// From the summary; absent when the checked collection is empty.
    public var percentage: Double?
    /// From the details.
    public var issues: [DataIntegrityIssue]?
    /// Why the check failed (its SQL, typically), when it did.
    public var error: String?
    /// Server local time without zone.
    public var startTime: String?
    public var finishedTime: String?

    public init(check: DataIntegrityCheck) {
        self.check = check
    }

    public var failed: Bool { error != nil || count == -1 }

    /// The number of issues: the summary's count, else the details' issue count.
    public var issueCount: Int? {
        if let count, count >= 0 { return count }
        return failed ? nil : issues?.count
    }

    /// This result completed with the other kind's fields (summary with details, or the reverse).
    public func merging(_ other: DataIntegrityResult) -> DataIntegrityResult {
        var merged = self
        merged.count = count ?? other.count
        merged.percentage = percentage ?? other.percentage
        merged.issues = issues ?? other.issues
        merged.error = error ?? other.error
        merged.startTime = startTime ?? other.startTime
        merged.finishedTime = finishedTime ?? other.finishedTime
        return merged
    }
}

/// Results keyed by check name, as `GET /api/dataIntegrity/summary|details` answer them.
public struct DataIntegrityReport: Sendable, Hashable {
    public var results: [String: DataIntegrityResult]

    public init(results: [String: DataIntegrityResult] = [:]) {
        self.results = results
    }

    public subscript(check: String) -> DataIntegrityResult? { results[check] }

    /// Most severe first, then by name.
    public var ordered: [DataIntegrityResult] {
        results.values.sorted { ($1.check.severity, $0.check.name) < ($0.check.severity, $1.check.name) }
    }

    /// Checks that found something.
    public var withIssues: [DataIntegrityResult] { ordered.filter { ($0.issueCount ?? 0) > 0 } }

    /// Checks that could not run.
    public var failed: [DataIntegrityResult] { ordered.filter(\.failed) }

    /// Both reports, per check merged.
    public func merging(_ other: DataIntegrityReport) -> DataIntegrityReport {
        DataIntegrityReport(
            results: results.merging(other.results) { mine, theirs in mine.merging(theirs) }
        )
    }
}

/// A summary or details entry: the check's fields inlined (`@JsonUnwrapped`), then the run's.
struct DataIntegrityRecord: Decodable {
    var check: DataIntegrityCheck?
    var result: DataIntegrityResult.Fields

    init(from decoder: any Decoder) throws {
        check = try? DataIntegrityCheck(from: decoder)
        result = try DataIntegrityResult.Fields(from: decoder)
    }

    func result(named name: String) -> DataIntegrityResult {
        var result = DataIntegrityResult(check: check ?? DataIntegrityCheck(name: name))
        result.count = self.result.count
        result.percentage = self.result.percentage
        result.issues = self.result.issues
        result.error = self.result.error
        result.startTime = self.result.startTime
        result.finishedTime = self.result.finishedTime
        return result
    }
}

extension DataIntegrityResult {
    struct Fields: Decodable {
        var count: Int?
        var percentage: Double?
        var issues: [DataIntegrityIssue]?
        var error: String?
        var startTime: String?
        var finishedTime: String?
    }
}
