/// Makes URLs and libcurl messages safe to log.
enum URLRedaction {
    /// `scheme://host[:port]/path`: userinfo, query and fragment removed (queries may carry tokens).
    static func redact(_ url: String) -> String {
        let withoutQuery = Self.stripQuery(Substring(url))
        guard let userinfo = Self.userinfo(in: withoutQuery) else {
            return String(withoutQuery)
        }
        // Drop the userinfo and its "@".
        return String(
            withoutQuery[..<userinfo.range.lowerBound] + withoutQuery[userinfo.range.upperBound...].dropFirst()
        )
    }

    /// The userinfo (`user:password`) of `url` and its password, if any: to blank them out of messages.
    static func secrets(in url: String) -> [String] {
        guard let userinfo = Self.userinfo(in: Self.stripQuery(Substring(url))) else {
            return []
        }
        var secrets = [String(userinfo.text)]
        if let colon = userinfo.text.firstIndex(of: ":") {
            let password = userinfo.text[userinfo.text.index(after: colon)...]
            if !password.isEmpty {
                secrets.append(String(password))
            }
        }
        return secrets.filter { !$0.isEmpty }
    }

    /// `message` with every occurrence of each secret replaced by `***`.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var result = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            result = result.replacing(secret, with: "***")
        }
        return result
    }

    private static func stripQuery(_ url: Substring) -> Substring {
        guard let end = url.firstIndex(where: { character in character == "?" || character == "#" }) else {
            return url
        }
        return url[..<end]
    }

    /// Finds the userinfo between `://` and the last `@` of the authority.
    ///
    /// A password with an unencoded `/` makes an invalid URL, but it must not leak either: so an `@` later
    /// in the path also counts when the text before it has a `:`. A path containing `@` on a host with an
    /// explicit port is then shortened in logs, which is the cheaper mistake.
    private static func userinfo(in url: Substring) -> (text: Substring, range: Range<Substring.Index>)? {
        guard let schemeEnd = url.firstRange(of: "://") else {
            return nil
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let at: Substring.Index
        if let inAuthority = rest[..<authorityEnd].lastIndex(of: "@") {
            at = inAuthority
        } else if let later = rest.lastIndex(of: "@"), rest[..<later].contains(":") {
            at = later
        } else {
            return nil
        }
        return (rest[..<at], rest.startIndex..<at)
    }
}
