/// An HTTP request: method, URL, query items and header fields. The body is passed separately to
/// ``HTTPClient/execute(_:body:logger:)`` so that a request value stays cheap to copy and log.
public struct HTTPClientRequest: Sendable {
    /// One `name=value` pair of the query string. Names may repeat (`dataSet=a&dataSet=b`).
    public struct QueryItem: Sendable, Hashable {
        public var name: String
        /// `nil` renders as a bare `name` without `=`.
        public var value: String?

        public init(_ name: String, _ value: String?) {
            self.name = name
            self.value = value
        }
    }

    public var method: HTTPMethod
    /// Absolute `http` or `https` URL. It may already carry an encoded query; ``query`` is appended to it.
    public var url: String
    /// Query items, percent-encoded by the client (RFC 3986: everything but unreserved characters).
    public var query: [QueryItem]
    public var headers: HTTPHeaders
    /// Overrides ``HTTPClient/Configuration/totalTimeout`` for this request.
    public var totalTimeout: Duration?

    public init(
        method: HTTPMethod = .get,
        url: String,
        query: [QueryItem] = [],
        headers: HTTPHeaders = HTTPHeaders(),
        totalTimeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.query = query
        self.headers = headers
        self.totalTimeout = totalTimeout
    }

    /// The URL that is sent: ``url`` without fragment, with ``query`` appended.
    public var effectiveURL: String {
        var base = Substring(self.url)
        // A fragment is never sent, and the query has to go before it.
        if let hash = base.firstIndex(of: "#") {
            base = base[..<hash]
        }
        guard !self.query.isEmpty else {
            return String(base)
        }
        let separator: String
        if let question = base.firstIndex(of: "?") {
            separator = base.index(after: question) == base.endIndex || base.hasSuffix("&") ? "" : "&"
        } else {
            separator = "?"
        }
        return base + separator + Self.encodeQuery(self.query)
    }

    /// Renders query items as `name=value&…`, percent-encoding names and values per RFC 3986.
    public static func encodeQuery(_ items: [QueryItem]) -> String {
        var result = ""
        for (index, item) in items.enumerated() {
            if index > 0 {
                result += "&"
            }
            result += PercentEncoding.encode(item.name)
            if let value = item.value {
                result += "="
                result += PercentEncoding.encode(value)
            }
        }
        return result
    }
}
