import ArgumentParser
import Foundation
import Postgres
import Sync

/// The period flags and pair choice shared by `run` and `verify` (design.md §2).
struct WindowOptions: ParsableArguments {
    @Option(name: .customLong("pair"), help: "A pair (repeatable; default: every enabled pair).")
    var pairs: [String] = []
    @OptionGroup var periods: PeriodOptions
    @Option(help: "Only these org units of the pair's level, by name: \"Name A,Name B\".") var districts: String?

    static let missingWindow =
        "give the period window: --year Y [--quarter Q | --month M], --period ID, --days-back N or --current-date"

    /// The window the flags name, nil when none was given.
    func selection() throws(SyncError) -> PeriodSelection? {
        try periods.selection()
    }

    /// Called from the commands' `validate()`, after their own flags were checked.
    func check() throws {
        do {
            guard try selection() != nil else { throw ValidationError(Self.missingWindow) }
        } catch let error as SyncError {
            throw ValidationError(error.message)
        }
    }

    /// The run request for the flags; `validate()` has already checked them.
    func request() throws -> SyncRunner.Request {
        guard let selection = try selection() else { throw CLIError(Self.missingWindow) }
        var request = SyncRunner.Request(selection: selection)
        request.districts = districtNames
        return request
    }

    /// `--districts` split into names.
    var districtNames: [String] {
        (districts ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The pairs named by `--pair`, or every enabled one.
    func chosenPairs(_ store: PairStore) async throws -> [Pair] {
        var chosen: [Pair] = []
        for name in pairs { chosen.append(try await store.get(name)) }
        if pairs.isEmpty {
            chosen = try await store.enabled()
            guard !chosen.isEmpty else {
                throw CLIError("no enabled pair; `dhis2-sync pair add` defines one, `pair enable` enables one")
            }
        }
        return chosen
    }
}
