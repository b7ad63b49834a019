/// Decides who a request is (reference §6): Basic credentials, `ApiToken`, or nobody.
struct Authenticator: Sendable {
    enum Outcome: Equatable {
        case user(String)
        /// No credentials: browsers are sent to the login page.
        case redirectToLogin
        case unauthorized(message: String, tokenChallenge: Bool)
        case malformedToken(String)
    }

    let username: String
    let password: String
    let apiToken: String?

    func authenticate(authorization: String?, requestedWith: String?) -> Outcome {
        guard let authorization, !authorization.isEmpty else {
            // XHR callers get a 401 instead of the redirect (FormLoginBasicAuthenticationEntryPoint).
            if requestedWith == "XMLHttpRequest" {
                return .unauthorized(message: "Unauthorized", tokenChallenge: false)
            }
            return .redirectToLogin
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        let scheme = parts.first.map { $0.lowercased() } ?? ""
        let credentials = parts.count > 1 ? String(parts[1]).trimmingWhitespace : ""
        switch scheme {
        case "basic":
            guard let decoded = Base64.decode(credentials), let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
            else { return .unauthorized(message: "Unauthorized", tokenChallenge: false) }
            let user = String(decoding: decoded[..<colon], as: UTF8.self)
            let secret = String(decoding: decoded[(colon + 1)...], as: UTF8.self)
            guard user == username && secret == password else {
                return .unauthorized(message: "Unauthorized", tokenChallenge: false)
            }
            return .user(user)
        case "apitoken":
            let allowed = credentials.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                    || "-._~+/=".utf8.contains(byte)
            }
            guard allowed, !credentials.isEmpty else { return .malformedToken("Api token is malformed") }
            guard let apiToken, credentials == apiToken else {
                return .unauthorized(message: "The API token does not exists", tokenChallenge: true)
            }
            return .user(username)
        default:
            return .unauthorized(message: "Unauthorized", tokenChallenge: false)
        }
    }
}

/// RFC 4648 base64 decoding (standard alphabet, padding optional).
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case 0x41...0x5A: value = byte - 0x41
            case 0x61...0x7A: value = byte - 0x61 + 26
            case 0x30...0x39: value = byte - 0x30 + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }

    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << UInt32(16 - offset * 8) }
            for position in 0..<4 {
                if position <= chunk.count {
                    output.append(alphabet[Int(value >> UInt32(18 - position * 6) & 0x3F)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
