import ArgumentParser
import DHIS2
import Foundation
import Sync

struct MappingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping",
        abstract:
            "A pair's id mappings: how source data elements, combos, org units and data sets are named at the destination.",
        discussion: """
            Mappings name objects in the pair's id scheme (UIDs, or codes for --id-scheme CODE). A kind with no \
            mappings is sent as read; once a kind has confirmed mappings, a value whose id has none is quarantined \
            (see `status`) instead of sent.
            """,
        subcommands: [Add.self, List.self, Import.self, Suggest.self, Confirm.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or replace one mapping (confirmed).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The pair's name.") var pair: String
        @Argument(help: "What the two ids name.")
        var kind: ValueTranslator.Kind
        @Argument(help: "The id at the source.") var sourceID: String
        @Argument(help: "The id at the destination.") var destinationID: String

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                let pair = try await PairStore(connection: connection).get(pair)
                try await MappingStore(connection: connection).save(
                    [MappingStore.Mapping(kind: kind, sourceID: sourceID, destinationID: destinationID)],
                    pairID: pair.id
                )
                print("pair \(pair.name): \(kind.rawValue) \(sourceID) → \(destinationID) (confirmed)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a pair's mappings: kind, source id, destination id, status, how matched."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The pair's name.") var pair: String
        @Option(help: "Only this kind.") var kind: ValueTranslator.Kind?
        @Option(help: "Only proposed or confirmed ones.") var status: MappingStore.Mapping.Status?

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                let pair = try await PairStore(connection: connection).get(pair)
                let mappings = try await MappingStore(connection: connection).list(
                    pairID: pair.id,
                    kind: kind,
                    status: status
                )
                if mappings.isEmpty {
                    print("no mappings; `dhis2-sync mapping suggest --pair \(pair.name)` proposes some")
                }
                for mapping in mappings {
                    print(
                        "\(mapping.kind.rawValue)\t\(mapping.sourceID)\t\(mapping.destinationID)\t"
                            + "\(mapping.status.rawValue)\t\(mapping.matchedBy.rawValue)"
                    )
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add mappings from a CSV file (header kind,source_id,destination_id), all or none, confirmed."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The pair's name.") var pair: String
        @Argument(help: "The CSV file.") var file: String

        func run() async throws {
            try await reportingErrors {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError("cannot read \(file): check the path and its permissions")
                }
                let mappings: [MappingStore.Mapping]
                do {
                    mappings = try MappingStore.parseCSV(String(decoding: data, as: UTF8.self))
                } catch {
                    throw CLIError("\(file) \(error); nothing was imported")
                }
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                let pair = try await PairStore(connection: connection).get(pair)
                try await MappingStore(connection: connection).save(mappings, pairID: pair.id)
                print("pair \(pair.name): imported \(mappings.count) mappings from \(file) (confirmed)")
            }
        }
    }

    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match source and destination metadata by UID, then code, then name; write proposals for review.",
            discussion: "Confirmed and hand-entered mappings are kept. Review with `mapping list --status proposed`."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The pair's name.") var pair: String
        @Option(help: "List at most this many unmatched objects per kind.") var showUnmatched = 20

        func run() async throws {
            try await reportingErrors {
                let logger = global.makeLogger()
                let connection = try await global.connectDatabase(logger: logger)
                let pair = try await PairStore(connection: connection).get(pair)
                let results = try await PairClients.with(pair, logger: logger) { source, destination in
                    try await MappingSuggester().suggest(pair, source: source, destination: destination)
                }
                let store = MappingStore(connection: connection)
                let written = try await store.save(results.flatMap(\.proposals), pairID: pair.id, overwrite: false)
                print("pair \(pair.name): \(written) proposals written (existing confirmed mappings kept)")
                for result in results {
                    let how = MappingStore.Mapping.MatchedBy.allCases.compactMap { way -> String? in
                        let count = result.proposals.filter { $0.matchedBy == way }.count
                        return count == 0 ? nil : "\(count) by \(way.rawValue)"
                    }
                    print(
                        "  \(result.kind.rawValue): \(result.proposals.count) matched"
                            + "\(how.isEmpty ? "" : " (\(how.joined(separator: ", ")))"), "
                            + "\(result.unmatched.count) unmatched"
                    )
                    for object in result.unmatched.prefix(showUnmatched) {
                        print("    unmatched \(object.id)\t\(object.code ?? "-")\t\(object.name)")
                    }
                    if result.unmatched.count > showUnmatched {
                        print("    … and \(result.unmatched.count - showUnmatched) more")
                    }
                }
                print(
                    "review with `dhis2-sync mapping list --pair \(pair.name) --status proposed`, then `mapping confirm`"
                )
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm proposed mappings: every one (--all, optionally of one --kind) or these source ids."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The pair's name.") var pair: String
        @Option(help: "Only this kind.") var kind: ValueTranslator.Kind?
        @Flag(help: "Every proposal (of --kind, when given).") var all = false
        @Argument(help: ArgumentHelp("Source ids of the proposals to confirm.", valueName: "source-id"))
        var sourceIDs: [String] = []

        func validate() throws {
            guard all != !sourceIDs.isEmpty else {
                throw ValidationError("name either the source ids to confirm or --all")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let connection = try await global.connectDatabase(logger: global.makeLogger())
                let pair = try await PairStore(connection: connection).get(pair)
                let confirmed = try await MappingStore(connection: connection).confirm(
                    pairID: pair.id,
                    kind: kind,
                    sourceIDs: all ? nil : sourceIDs
                )
                print("pair \(pair.name): \(confirmed) mapping\(confirmed == 1 ? "" : "s") confirmed")
            }
        }
    }
}

extension ValueTranslator.Kind: ExpressibleByArgument {}
extension MappingStore.Mapping.Status: ExpressibleByArgument {}
