import ArgumentParser
import DHIS2
import JSONStream
import Postgres
import Sync

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Pairs, watermarks, last runs, slices pending and open conflicts."
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("pair"), help: "Only this pair (repeatable).") var pairs: [String] = []

    func run() async throws {
        try await reportingErrors {
            let connection = try await global.connectDatabase(logger: global.makeLogger())
            let store = PairStore(connection: connection)
            var chosen: [Pair] = []
            for name in pairs { chosen.append(try await store.get(name)) }
            if pairs.isEmpty { chosen = try await store.list() }
            if chosen.isEmpty { print("no pairs yet; `dhis2-sync pair add` defines one") }
            let report = StatusReport(connection: connection)
            for pair in chosen {
                print(try await report.lines(for: pair).joined(separator: "\n"))
            }
        }
    }
}

/// How a conflict reads on one line.
enum ConflictReport {
    static func line(_ row: ConflictRow, value: DataValue?) -> String {
        var text = "\(row.errorCode ?? "-") \(row.message)"
        if let value {
            text +=
                " [de=\(value.dataElement ?? "") pe=\(value.period ?? "") ou=\(value.orgUnit ?? "") "
                + "coc=\(value.categoryOptionCombo ?? "") aoc=\(value.attributeOptionCombo ?? "") "
                + "value=\(value.value ?? "null")]"
        }
        return text
    }
}
