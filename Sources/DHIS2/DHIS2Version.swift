/// A DHIS2 server version as `/api/system/info` reports it: `2.40.3`, `2.41-SNAPSHOT`, `2.39.1.2`.
///
/// Comparable, so behaviour tables can say `version >= .v2_43`.
public struct DHIS2Version: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var hotfix: Int
    /// What followed a `-`, e.g. `SNAPSHOT` or `rc1`; ignored when comparing.
    public var suffix: String?

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0, _ hotfix: Int = 0, suffix: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.hotfix = hotfix
        self.suffix = suffix
    }

    /// Parses `2.40`, `2.40.3`, `2.40.3.1`, with an optional `-suffix`; nil for anything else.
    public init?(_ text: String) {
        let trimmed = text.trimmingPrefix("v")
        let parts = trimmed.split(separator: "-", maxSplits: 1)
        guard let numbers = parts.first else { return nil }
        let fields = numbers.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...4).contains(fields.count), fields.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        let values = fields.map { $0! } + [0, 0]
        self.init(values[0], values[1], values[2], values[3], suffix: parts.count > 1 ? String(parts[1]) : nil)
    }

    public static func < (lhs: DHIS2Version, rhs: DHIS2Version) -> Bool {
        (lhs.major, lhs.minor, lhs.patch, lhs.hotfix) < (rhs.major, rhs.minor, rhs.patch, rhs.hotfix)
    }

    public static func == (lhs: DHIS2Version, rhs: DHIS2Version) -> Bool {
        (lhs.major, lhs.minor, lhs.patch, lhs.hotfix) == (rhs.major, rhs.minor, rhs.patch, rhs.hotfix)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(hotfix)
    }

    public var description: String {
        var text = "\(major).\(minor)"
        if patch != 0 || hotfix != 0 { text += ".\(patch)" }
        if hotfix != 0 { text += ".\(hotfix)" }
        if let suffix { text += "-\(suffix)" }
        return text
    }

    /// Envelopes for imports start here; before, answers are bare.
    public static let v2_38 = DHIS2Version(2, 38)
    /// `rejectedIndexes` appears in import summaries.
    public static let v2_39_2 = DHIS2Version(2, 39, 2)
    /// `created`/`lastUpdated` in import payloads are ignored from here on.
    public static let v2_41 = DHIS2Version(2, 41)
    /// WARNING imports answer 200; `lastUpdated` alone is refused for exports.
    public static let v2_43 = DHIS2Version(2, 43)
}
