import ArgumentParser
import Curl
import DHIS2
import Postgres
import Sync

struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Manage the DHIS2 instances pairs sync between.",
        subcommands: [Add.self, List.self, Check.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an instance; its secret stays outside the database, referenced by variable or file."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A short name, e.g. hmis.") var name: String
        @Option(help: "Base URL with any context path, e.g. https://hmis.example.org/dhis.") var url: String
        @Option(help: "Environment variable holding a personal access token.") var tokenEnv: String?
        @Option(help: "File holding a personal access token (relative: in $CREDENTIALS_DIRECTORY).") var tokenFile:
            String?
        @Option(help: "Username for HTTP Basic authentication.") var username: String?
        @Option(help: "Environment variable holding the password.") var passwordEnv: String?
        @Option(help: "File holding the password (relative: in $CREDENTIALS_DIRECTORY).") var passwordFile: String?

        private var credentials: CredentialFlags {
            CredentialFlags(
                username: username,
                passwordEnv: passwordEnv,
                passwordFile: passwordFile,
                tokenEnv: tokenEnv,
                tokenFile: tokenFile
            )
        }

        func validate() throws {
            try credentials.check(required: true)
        }

        func run() async throws {
            try await reportingErrors {
                guard let authentication = try credentials.authentication() else {
                    throw CLIError("give a token or a username with a password")
                }
                let instance = try DHIS2Instance(name: name, baseURL: url, authentication: authentication)
                let logger = global.makeLogger()
                let connection = try await global.connectDatabase(logger: logger)
                try await InstanceStore(connection: connection).add(instance)
                print("added instance \(instance.name) (\(instance.baseURL), \(instance.authentication))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered instances.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                for record in try await InstanceStore(connection: connection).list() {
                    print("\(record.instance.name)\t\(record.instance.baseURL)\t\(record.instance.authentication)")
                }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authenticate against an instance and print its DHIS2 version, server time and user."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The instance's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let logger = global.makeLogger()
                let connection = try await global.connectDatabase(logger: logger)
                let record = try await InstanceStore(connection: connection).get(name)
                let http = HTTPClient(logger: logger)
                defer { Task { await http.shutdown() } }
                let client = DHIS2Client(instance: record.instance, http: http, logger: logger)
                let info = try await client.systemInfo()
                let user = try await client.currentUser()
                print(
                    "\(record.instance.name): DHIS2 \(info.versionText ?? "unknown version")"
                        + ", server time \(info.serverDate ?? "unknown") \(info.serverTimeZoneId ?? "")"
                        + ", authenticated as \(user.username ?? user.id)"
                )
            }
        }
    }
}
