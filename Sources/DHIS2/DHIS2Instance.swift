/// One DHIS2 server as the sync engine knows it: where it is and how to authenticate.
public struct DHIS2Instance: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// Base URL including any context path, without a trailing slash: `https://hmis.example.org/dhis`.
    public var baseURL: String
    public var authentication: DHIS2Authentication

    /// Validates the URL: `http(s)://host[:port][/context]`, no query, no fragment, no credentials
    /// (those belong in a credential reference, never in a URL that gets logged).
    public init(name: String, baseURL: String, authentication: DHIS2Authentication) throws(DHIS2Error) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw DHIS2Error(
                code: .badRequest,
                detail: "instance URL must start with http:// or https://, e.g. https://hmis.example.org/dhis"
            )
        }
        let afterScheme = url.drop { $0 != "/" }.dropFirst(2)
        let authority = afterScheme.prefix { $0 != "/" }
        guard !authority.isEmpty else {
            throw DHIS2Error(code: .badRequest, detail: "instance URL has no host")
        }
        guard !authority.contains("@") else {
            throw DHIS2Error(
                code: .badRequest,
                detail: "instance URL must not carry credentials; give them as --token-env/--password-env instead"
            )
        }
        guard !url.contains("?"), !url.contains("#") else {
            throw DHIS2Error(code: .badRequest, detail: "instance URL must not have a query or fragment")
        }
        self.name = name
        self.baseURL = url
        self.authentication = authentication
    }

    /// The URL of an API path such as `system/info`.
    public func apiURL(_ path: String) -> String {
        baseURL + "/api/" + path
    }

    public var description: String { "\(name) (\(baseURL))" }
}
