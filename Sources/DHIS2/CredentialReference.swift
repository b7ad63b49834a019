import Foundation

/// Where a secret lives: `env:VAR` or `file:PATH`. The database stores only this reference,
/// never the secret; it is resolved when a request needs it, so a rotated secret takes effect
/// without touching the database.
///
/// A relative `file:` path is looked up in `$CREDENTIALS_DIRECTORY`, where systemd's
/// `LoadCredential=` places credentials.
public struct CredentialReference: Sendable, Hashable, CustomStringConvertible {
    public enum Source: Sendable, Hashable {
        case environment(String)
        case file(String)
    }

    public var source: Source

    public init(_ source: Source) { self.source = source }

    /// Parses `env:NAME` or `file:PATH`.
    public init(parsing text: String) throws(DHIS2Error) {
        if text.hasPrefix("env:"), text.count > 4 {
            let name = String(text.dropFirst(4))
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw DHIS2Error(
                    code: .credentials,
                    detail:
                        "'\(text)' is not a valid environment variable reference: use env:NAME with letters, digits, _"
                )
            }
            self.init(.environment(name))
        } else if text.hasPrefix("file:"), text.count > 5 {
            self.init(.file(String(text.dropFirst(5))))
        } else {
            // Never echo the text: someone may have pasted the secret itself here.
            throw DHIS2Error(
                code: .credentials,
                detail: "a credential reference must be env:VARIABLE or file:PATH (the secret itself is never stored)"
            )
        }
    }

    /// The reference as stored, e.g. `env:DHIS2_SOURCE_TOKEN`; contains no secret.
    public var description: String {
        switch source {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }

    /// Reads the secret. A trailing newline in a file is dropped (editors and `echo` add one).
    public func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DHIS2Error) -> Secret {
        switch source {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw DHIS2Error(
                    code: .credentials,
                    detail: "environment variable \(name) is not set or empty; export it before running"
                )
            }
            return Secret(value)
        case .file(let path):
            let fullPath: String
            if path.hasPrefix("/") {
                fullPath = path
            } else if let directory = environment["CREDENTIALS_DIRECTORY"] {
                fullPath = directory + "/" + path
            } else {
                fullPath = path
            }
            guard let data = FileManager.default.contents(atPath: fullPath) else {
                throw DHIS2Error(
                    code: .credentials,
                    detail: "cannot read credential file \(fullPath): check that it exists and is readable by this user"
                )
            }
            var text = String(decoding: data, as: UTF8.self)
            while let last = text.last, last == "\n" || last == "\r" { text.removeLast() }
            guard !text.isEmpty else {
                throw DHIS2Error(code: .credentials, detail: "credential file \(fullPath) is empty")
            }
            return Secret(text)
        }
    }
}
