/// What `/api/system/info` says about a server (`dhis2-api.md` §5.5).
public struct SystemInfo: Decodable, Sendable, Hashable {
    /// As the server wrote it, e.g. `2.40.3` or `2.41-SNAPSHOT`.
    public var versionText: String?
    public var revision: String?
    public var buildTime: String?
    /// The server's clock, in its own zone without offset (`yyyy-MM-ddTHH:mm:ss.SSS`): the source
    /// clock for incremental watermarks.
    public var serverDate: String?
    public var serverTimeZoneId: String?
    /// `iso8601` on most servers; others (ethiopian, nepali, …) interpret period ids differently.
    public var calendar: String?
    public var dateFormat: String?
    public var contextPath: String?
    public var systemId: String?
    public var systemName: String?

    /// The parsed version, when it has a known shape.
    public var version: DHIS2Version? { versionText.flatMap(DHIS2Version.init) }

    private enum CodingKeys: String, CodingKey {
        case versionText = "version"
        case revision, buildTime, serverDate, serverTimeZoneId, calendar, dateFormat, contextPath, systemId
        case systemName
    }
}

/// The authenticated user (`/api/me`), trimmed to what the engine checks.
public struct CurrentUser: Decodable, Sendable, Hashable {
    public struct Reference: Decodable, Sendable, Hashable {
        public var id: String
    }

    public var id: String
    public var username: String?
    public var displayName: String?
    public var authorities: [String]?
    public var organisationUnits: [Reference]?
    public var dataViewOrganisationUnits: [Reference]?

    /// True for superusers (`ALL`) and users holding the authority.
    public func has(authority: String) -> Bool {
        guard let authorities else { return false }
        return authorities.contains("ALL") || authorities.contains(authority)
    }
}
