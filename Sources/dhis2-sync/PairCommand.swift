import ArgumentParser
import DHIS2
import Postgres
import Sync

struct PairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "Manage integration pairs: what is copied from a source instance to a destination.",
        subcommands: [Add.self, List.self, Show.self, Set.self, Enable.self, Disable.self, Refresh.self, Check.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a pair between two registered instances.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A short name, e.g. hmis-to-repo.") var name: String
        @Option(help: "The instance data is read from.") var source: String
        @Option(help: "The instance data is written to.") var destination: String
        @Option(help: "Org unit level data is read at, with children=true (1 = country).") var orgUnitLevel = 3
        @Option(name: .customLong("root-org-unit"), help: "Only org units under this one (repeatable).")
        var rootOrgUnits: [String] = []
        @Option(name: .customLong("data-set"), help: "Only this data set (repeatable; default: every data set).")
        var dataSets: [String] = []
        @Flag(help: "Read values deleted at the source too, and delete them at the destination.")
        var includeDeleted = false
        @Option(help: "What a source deletion does at the destination: propagate or ignore.")
        var deletionPolicy: String = Pair.DeletionPolicy.propagate.rawValue
        @Option(help: "Ids on the wire: UID or CODE (when the two instances share codes, not UIDs).")
        var idScheme: String = Pair.IDScheme.uid.rawValue
        @Option(help: "Values per import request.") var batchSize = Pair.defaultBatchSize
        @Option(help: "Middleware mode: post batches to this URL (its queue endpoint) instead of the destination.")
        var via: String?
        @Option(help: "Username for HTTP Basic authentication to the middleware.") var viaUsername: String?
        @Option(help: "Environment variable holding the middleware password.") var viaPasswordEnv: String?
        @Option(help: "File holding the middleware password (relative: in $CREDENTIALS_DIRECTORY).")
        var viaPasswordFile: String?
        @Option(help: "Environment variable holding a token for the middleware (sent as Bearer).") var viaTokenEnv:
            String?
        @Option(help: "File holding a token for the middleware (relative: in $CREDENTIALS_DIRECTORY).")
        var viaTokenFile: String?
        @Flag(help: "Refresh the destination's analytics tables after a run that changed data there.")
        var refreshAnalytics = false

        private var viaCredentials: CredentialFlags {
            CredentialFlags(
                prefix: "via-",
                username: viaUsername,
                passwordEnv: viaPasswordEnv,
                passwordFile: viaPasswordFile,
                tokenEnv: viaTokenEnv,
                tokenFile: viaTokenFile
            )
        }

        func validate() throws {
            try viaCredentials.check(required: false)
            if via == nil && !viaCredentials.isEmpty {
                throw ValidationError("the --via-* credentials are for a middleware: give --via URL too")
            }
            guard (1...10).contains(orgUnitLevel) else {
                throw ValidationError("--org-unit-level \(orgUnitLevel) must be between 1 and 10")
            }
            guard (1...1_000_000).contains(batchSize) else {
                throw ValidationError("--batch-size \(batchSize) must be between 1 and 1000000")
            }
            guard Pair.DeletionPolicy(rawValue: deletionPolicy) != nil else {
                throw ValidationError("--deletion-policy must be propagate or ignore, not '\(deletionPolicy)'")
            }
            guard Pair.IDScheme(rawValue: idScheme.uppercased()) != nil else {
                throw ValidationError("--id-scheme must be UID or CODE, not '\(idScheme)'")
            }
        }

        func run() async throws {
            try await reportingErrors {
                var definition = Pair.Definition(name: name, source: source, destination: destination)
                definition.orgUnitLevel = orgUnitLevel
                definition.rootOrgUnits = rootOrgUnits
                definition.dataSetFilter = dataSets
                definition.includeDeleted = includeDeleted
                definition.deletionPolicy = Pair.DeletionPolicy(rawValue: deletionPolicy) ?? .propagate
                definition.idScheme = Pair.IDScheme(rawValue: idScheme.uppercased()) ?? .uid
                definition.batchSize = batchSize
                definition.viaURL = via
                definition.viaAuthentication = try viaCredentials.authentication()
                definition.refreshAnalytics = refreshAnalytics
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                try await PairStore(connection: connection).add(definition)
                print(
                    "added pair \(name): \(source) → \(destination), org unit level \(orgUnitLevel); "
                        + "`dhis2-sync pair refresh \(name)` reads its org units and data sets"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the pairs.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                for pair in try await PairStore(connection: connection).list() {
                    let state = pair.enabled ? "enabled" : "disabled"
                    print(
                        "\(pair.name)\t\(pair.source.name) → \(pair.destination.name)\tlevel \(pair.orgUnitLevel)\t\(state)"
                    )
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a pair's settings, org units and data sets.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pair's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                let pair = try await PairStore(connection: connection).get(name)
                let catalog = PairCatalog(connection: connection)
                let units = try await catalog.orgUnits(pairID: pair.id, includingInactive: true)
                let dataSets = try await catalog.dataSets(pairID: pair.id, includingInactive: true)
                print("pair \(pair.name) (\(pair.enabled ? "enabled" : "disabled"))")
                print("  source          \(pair.source.name) \(pair.source.baseURL)")
                print("  destination     \(pair.destination.name) \(pair.destination.baseURL)")
                print("  org unit level  \(pair.orgUnitLevel)")
                print(
                    "  roots           \(pair.rootOrgUnits.isEmpty ? "(whole hierarchy)" : pair.rootOrgUnits.joined(separator: ", "))"
                )
                print(
                    "  data set filter \(pair.dataSetFilter.isEmpty ? "(every data set)" : pair.dataSetFilter.joined(separator: ", "))"
                )
                print("  deleted values  \(pair.includeDeleted ? "read, \(pair.deletionPolicy.rawValue)" : "not read")")
                print("  id scheme       \(pair.idScheme.rawValue)")
                print("  batch size      \(pair.batchSize)")
                if let via = pair.viaURL {
                    let auth =
                        switch pair.viaAuthentication {
                        case .token(let reference)?: "bearer token (\(reference))"
                        case let other?: "\(other)"
                        case nil: "no authentication"
                        }
                    print("  via             \(via) (\(auth))")
                }
                print(
                    "  analytics       \(pair.refreshAnalytics ? "refreshed after runs that change data" : "not refreshed")"
                )
                print("data sets (\(dataSets.filter(\.active).count) active):")
                for dataSet in dataSets {
                    print(
                        "  \(dataSet.uid)  \(dataSet.periodType)\t\(dataSet.name)\(dataSet.active ? "" : "  (inactive)")"
                    )
                }
                print("org units (\(units.filter(\.active).count) active):")
                for unit in units {
                    print("  \(unit.uid)  \(unit.name)\(unit.active ? "" : "  (inactive)")")
                }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a setting of an existing pair.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pair's name.") var name: String
        @Option(help: "on or off: refresh the destination's analytics tables after a run that changed data.")
        var refreshAnalytics: Switch?

        enum Switch: String, ExpressibleByArgument { case on, off }

        func validate() throws {
            guard refreshAnalytics != nil else {
                throw ValidationError("nothing to change: name a setting, e.g. --refresh-analytics on")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                if let refreshAnalytics {
                    try await PairStore(connection: connection).setRefreshAnalytics(name, refreshAnalytics == .on)
                    print("pair \(name): analytics refresh after runs \(refreshAnalytics.rawValue)")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Include a pair in runs without --pair and in serve.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pair's name.") var name: String

        func run() async throws {
            try await PairCommand.setEnabled(name, true, global)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leave a pair out of runs without --pair and serve.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pair's name.") var name: String

        func run() async throws {
            try await PairCommand.setEnabled(name, false, global)
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-read a pair's org units and data sets from the source."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pair's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let logger = global.makeLogger()
                let connection = try await global.connectDatabase(logger: logger)
                let pair = try await PairStore(connection: connection).get(name)
                let outcome = try await PairClients.with(pair, logger: logger) { source, _ in
                    try await PairRefresher(catalog: PairCatalog(connection: connection), logger: logger)
                        .refresh(pair, source: source)
                }
                print("pair \(name): org units \(outcome.orgUnits); data sets \(outcome.dataSets)")
                if !outcome.missingDataSets.isEmpty {
                    print(
                        "  the source has no data set \(outcome.missingDataSets.joined(separator: ", ")) named by the pair"
                    )
                }
            }
        }
    }
}

extension PairCommand {
    static func setEnabled(_ name: String, _ enabled: Bool, _ global: GlobalOptions) async throws {
        try await reportingErrors {
            let connection = try await global.connectDatabase(logger: global.makeLogger())
            try await PairStore(connection: connection).setEnabled(name, enabled)
            print("pair \(name) \(enabled ? "enabled" : "disabled")")
        }
    }
}
