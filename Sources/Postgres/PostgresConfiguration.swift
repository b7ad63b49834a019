import CLibPQ

/// Where and how to connect, as libpq keyword/value pairs.
///
/// Parsing goes through libpq's own `PQconninfoParse`, which accepts both `postgresql://` URLs and
/// `key=value` conninfo strings, and the pairs reach `PQconnectdbParams` as separate arrays: no
/// value is ever spliced into a string, so quotes or backslashes in a password cannot break out.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The keyword/value pairs handed to libpq, in order.
    public private(set) var parameters: [(keyword: String, value: String)]

    /// Settings applied to every (re)connected session, so decoding is independent of the server's defaults.
    static let sessionOptions = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c extra_float_digits=3"

    /// Parses a `postgresql://` URL or a `key=value` conninfo string. An empty string means
    /// libpq's defaults (the `PG*` environment variables, then the local socket).
    public init(_ urlOrConninfo: String) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(urlOrConninfo, &errorMessage) else {
            var message = "cannot parse the database URL or conninfo"
            if let errorMessage {
                // libpq's parse errors quote the offending keyword, never a value.
                message += ": " + String(cString: errorMessage).trimmingTrailingNewlines()
                PQfreemem(errorMessage)
            }
            throw PostgresError(code: .invalidConfiguration, message: message)
        }
        defer { PQconninfoFree(options) }
        var pairs: [(keyword: String, value: String)] = []
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                pairs.append((String(cString: keyword), String(cString: value)))
            }
            cursor += 1
        }
        self.parameters = pairs
        applyDefaults()
    }

    /// Builds a configuration from separate values; none of them is interpreted or escaped.
    public init(
        host: String? = nil,
        port: Int? = nil,
        user: String? = nil,
        password: String? = nil,
        database: String? = nil
    ) {
        parameters = []
        if let host { parameters.append(("host", host)) }
        if let port { parameters.append(("port", String(port))) }
        if let user { parameters.append(("user", user)) }
        if let password { parameters.append(("password", password)) }
        if let database { parameters.append(("dbname", database)) }
        applyDefaults()
    }

    /// The value of a keyword, if set.
    public subscript(keyword: String) -> String? {
        get { parameters.last { $0.keyword == keyword }?.value }
        set {
            parameters.removeAll { $0.keyword == keyword }
            if let newValue { parameters.append((keyword, newValue)) }
        }
    }

    /// The password, when one was given explicitly (libpq may still find one in `PGPASSWORD` or `.pgpass`).
    var password: String? { self["password"] }

    /// Safe to log: every keyword, with the password replaced.
    public var description: String {
        parameters.map { pair in
            pair.keyword == "password" ? "password=***" : "\(pair.keyword)=\(pair.value)"
        }.joined(separator: " ")
    }

    private mutating func applyDefaults() {
        if self["fallback_application_name"] == nil { self["fallback_application_name"] = "dhis2-sync" }
        if self["connect_timeout"] == nil { self["connect_timeout"] = "10" }
        let existing = self["options"].map { $0 + " " } ?? ""
        self["options"] = existing + Self.sessionOptions
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while let last = text.last, last.isNewline { text.removeLast() }
        return text
    }

    /// Replaces every occurrence of a secret, so libpq's messages can never leak it.
    func redacting(_ secret: String?) -> String {
        guard let secret, !secret.isEmpty else { return self }
        return self.replacing(secret, with: "***")
    }
}
