import ArgumentParser
import DHIS2

/// The flags that name where a secret lives: a token, or a username with a password, each from an
/// environment variable or a file. `instance add` uses them bare, `pair add` prefixed `--via-`.
struct CredentialFlags {
    /// Put before every flag name in messages: "" or "via-".
    var prefix = ""
    var username: String?
    var passwordEnv: String?
    var passwordFile: String?
    var tokenEnv: String?
    var tokenFile: String?

    private var tokens: Int { [tokenEnv, tokenFile].compactMap { $0 }.count }
    private var passwords: Int { [passwordEnv, passwordFile].compactMap { $0 }.count }

    /// Whether any of the flags was given.
    var isEmpty: Bool { tokens == 0 && passwords == 0 && username == nil }

    /// One consistent choice; `required` refuses none at all.
    func check(required: Bool) throws {
        let p = prefix
        if tokens > 1 || passwords > 1 {
            throw ValidationError(
                "give one of --\(p)token-env and --\(p)token-file, and one of --\(p)password-env and --\(p)password-file"
            )
        }
        if tokens == 1 && (username != nil || passwords > 0) {
            throw ValidationError("a token replaces --\(p)username and the password: give one or the other")
        }
        if tokens == 0 && (username == nil || passwords == 0) && (required || !isEmpty) {
            throw ValidationError(
                "give --\(p)token-env VAR or --\(p)token-file PATH, or --\(p)username USER with "
                    + "--\(p)password-env VAR or --\(p)password-file PATH"
            )
        }
    }

    /// The authentication the flags describe (call ``check(required:)`` first); nil when none was given.
    func authentication() throws -> DHIS2Authentication? {
        guard !isEmpty else { return nil }
        let reference =
            if let tokenEnv { "env:\(tokenEnv)" } else if let tokenFile {
                "file:\(tokenFile)"
            } else if let passwordEnv {
                "env:\(passwordEnv)"
            } else {
                "file:\(passwordFile ?? "")"
            }
        let credential = try CredentialReference(parsing: reference)
        return if let username { .basic(username: username, password: credential) } else { .token(credential) }
    }
}
