import Foundation

/// How requests to an instance authenticate (`dhis2-api.md` §6.1).
public enum DHIS2Authentication: Sendable, Hashable, CustomStringConvertible {
    /// HTTP Basic with a username and a password reference.
    case basic(username: String, password: CredentialReference)
    /// A personal access token (`Authorization: ApiToken …`), 2.37+; daemons should prefer it.
    case token(CredentialReference)

    /// `basic` or `token`, as the database stores the kind.
    public var kind: String {
        switch self {
        case .basic: "basic"
        case .token: "token"
        }
    }

    /// Safe to print: names the references, never the secrets.
    public var description: String {
        switch self {
        case .basic(let username, let password): "basic \(username) (password \(password))"
        case .token(let token): "token (\(token))"
        }
    }

    /// The `Authorization` header value, resolving the secret now.
    public func authorizationHeader(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DHIS2Error) -> Secret {
        switch self {
        case .basic(let username, let passwordReference):
            guard !username.contains(":") else {
                throw DHIS2Error(
                    code: .credentials,
                    detail: "a DHIS2 username cannot contain ':' (HTTP Basic splits on it)"
                )
            }
            let password = try passwordReference.resolve(environment: environment).reveal()
            let pair = Array("\(username):\(password)".utf8)
            return Secret("Basic " + Base64.encode(pair))
        case .token(let reference):
            let token = try reference.resolve(environment: environment).reveal()
            // DHIS2's header grammar (ApiTokenResolver): token68-like characters only.
            let allowed = token.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default: "-._~+/=".utf8.contains(byte)
                }
            }
            guard allowed else {
                throw DHIS2Error(
                    code: .credentials,
                    detail:
                        "the API token from \(reference) has characters DHIS2 tokens never contain (whitespace or quotes?)"
                )
            }
            return Secret("ApiToken " + token)
        }
    }
}

/// Standard base64 (RFC 4648 §4), for Basic credentials.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(chunk >> UInt32(shift) & 63)]) }
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            let chunk = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(remaining == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
