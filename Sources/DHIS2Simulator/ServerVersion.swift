/// The DHIS2 release the simulator pretends to be; it selects the version-dependent wire behaviour.
///
/// Supported: 2.38 to 2.43. Behaviour changes at 2.41 (payload timestamps ignored on import, job naming,
/// login page path) and at 2.43 (export timestamps without offset, WARNING answered 200, `imported` always 0,
/// E8002 for ambiguous data sets, maintenance answering 200).
public struct ServerVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minor: Int
    public var patch: Int

    public init(minor: Int, patch: Int = 0) {
        self.minor = minor
        self.patch = patch
    }

    /// Parses `2.40`, `2.40.5` or `40`; nil outside 2.38…2.43.
    public init?(_ text: String) {
        let parts = text.split(separator: ".").map { Int($0) }
        guard !parts.contains(nil) else { return nil }
        let numbers = parts.compactMap { $0 }
        switch numbers.count {
        case 1: self.init(minor: numbers[0])
        case 2 where numbers[0] == 2: self.init(minor: numbers[1], patch: ServerVersion.defaultPatch(numbers[1]))
        case 3 where numbers[0] == 2: self.init(minor: numbers[1], patch: numbers[2])
        default: return nil
        }
        guard (38...43).contains(minor) else { return nil }
    }

    public static let v2_40 = ServerVersion(minor: 40, patch: 5)
    public static let v2_43 = ServerVersion(minor: 43, patch: 1)

    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.minor, lhs.patch) < (rhs.minor, rhs.patch)
    }

    /// The `version` of `/api/system/info`.
    public var description: String { "2.\(minor).\(patch)" }

    private static func defaultPatch(_ minor: Int) -> Int {
        switch minor {
        case 40: 5
        case 41: 10
        case 42: 6
        case 43: 1
        default: 0
        }
    }

    /// 2.43 rewrote the data entry service; the rows of the version table in the reference (§2.8) switch here.
    var usesDataEntryRewrite: Bool { minor >= 43 }

    /// 2.41+ ignores `created`/`lastUpdated` in import payloads and names jobs `TYPE (n)`.
    var ignoresPayloadTimestamps: Bool { minor >= 41 }

    /// `rejectedIndexes` appeared in 2.39.2/2.40.0.
    var reportsRejectedIndexes: Bool { minor >= 40 || (minor == 39 && patch >= 2) }

    var loginPath: String { minor >= 41 ? "/dhis-web-login/" : "/dhis-web-commons/security/login.action" }
}
