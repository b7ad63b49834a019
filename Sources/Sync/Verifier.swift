import DHIS2
import JSONStream
import Logging

/// Compares source and destination slice by slice: what the destination should hold after a sync.
///
/// Memory is bounded by one slice: the source's values of a slice are held as a dictionary while
/// the destination's export of the same slice streams past it.
public struct Verifier: Sendable {
    let catalog: PairCatalog
    let logger: Logger

    public init(catalog: PairCatalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    public struct Report: Sendable, Hashable {
        public var slices = 0
        /// Live values at the source.
        public var sourceValues = 0
        /// Live source values found at the destination with the same value, comment and followup.
        public var matching = 0
        /// Live source values the destination does not have.
        public var missing = 0
        /// Values present on both sides that differ.
        public var different = 0
        /// Values deleted at the source that the destination still has (under the propagate policy).
        public var notDeleted = 0
        /// Values at the destination that the source does not have at all.
        public var extra = 0
        /// Live source values that cannot be compared because an id of theirs has no confirmed mapping (runs
        /// quarantine them); a slice whose data set or org unit is unmapped (or, under CODE, has no code)
        /// counts all its values here.
        public var unmapped = 0
        /// A few of the differences, for the operator.
        public var samples: [String] = []
        /// The slices with any difference: what `verify --repair` sends again.
        public var differingSlices: [SliceKey] { slicesWithDifferences.map(\.slice) }
        /// Per differing slice, its counts, in plan order.
        public var slicesWithDifferences: [SliceDifferences] = []

        var differences: Int { missing + different + notDeleted + extra }

        /// Adds a slice's differences to the totals; a slice with any is listed.
        mutating func add(_ slice: SliceDifferences) {
            missing += slice.missing
            different += slice.different
            notDeleted += slice.notDeleted
            extra += slice.extra
            if slice.differences > 0 { slicesWithDifferences.append(slice) }
        }

        public var isEqual: Bool { differences == 0 && unmapped == 0 }
    }

    /// What one slice's comparison found.
    public struct SliceDifferences: Sendable, Hashable, CustomStringConvertible {
        public var slice: SliceKey
        public var missing = 0
        public var different = 0
        public var notDeleted = 0
        public var extra = 0

        var differences: Int { missing + different + notDeleted + extra }

        public var description: String {
            "\(slice): \(missing) missing, \(different) different, \(notDeleted) not deleted, \(extra) extra"
        }
    }

    private struct Key: Hashable {
        var dataElement, period, orgUnit, optionCombo, attributeCombo: String
        init(_ value: DataValue) {
            dataElement = value.dataElement ?? ""
            period = value.period ?? ""
            orgUnit = value.orgUnit ?? ""
            optionCombo = value.categoryOptionCombo ?? ""
            attributeCombo = value.attributeOptionCombo ?? ""
        }
    }

    private struct Content: Hashable {
        var value: String?
        var comment: String?
        var followup: Bool
        var deleted: Bool
        init(_ value: DataValue) {
            self.value = value.value
            comment = value.comment
            followup = value.followup ?? false
            deleted = value.deleted ?? false
        }
    }

    public func verify(
        _ pair: Pair,
        _ request: SyncRunner.Request,
        source: DHIS2Client,
        destination: DHIS2Client
    ) async throws -> Report {
        let runPlan = try await RunPlan.make(pair, request, catalog: catalog)
        // A mapped pair's destination names everything its own way: source values are compared as the runs
        // send them, translated through the confirmed mappings.
        let translator = try await MappingStore(connection: catalog.connection).translator(pairID: pair.id)
        let orgUnitCodes = Dictionary(
            try await catalog.orgUnits(pairID: pair.id).compactMap { unit in unit.code.map { (unit.uid, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        /// How the destination names a slice's data set and org unit: the source's UIDs, or its codes under the
        /// CODE scheme, then through the mappings; nil when a code or a mapping is missing.
        func destinationScope(_ slice: SliceKey) -> (dataSet: String, orgUnit: String)? {
            let names: (String?, String?) =
                switch pair.idScheme {
                case .uid: (slice.dataSet, slice.orgUnit)
                case .code: (runPlan.dataSets[slice.dataSet]?.code, orgUnitCodes[slice.orgUnit])
                }
            guard let dataSet = names.0, let orgUnit = names.1,
                let mappedSet = try? translator.translate(dataSet, .dataSet),
                let mappedUnit = try? translator.translate(orgUnit, .orgUnit)
            else { return nil }
            return (mappedSet, mappedUnit)
        }
        var report = Report()
        for slice in runPlan.plan.slices {
            let sourceQuery = SliceTransfer.exportQuery(slice, pair: pair, incremental: nil)
            // The destination's live values only: a value deleted there must not count as present.
            var query = sourceQuery
            query.includeDeleted = false
            let target = destinationScope(slice)
            if let target {
                query.dataSets = [target.dataSet]
                query.orgUnits = [target.orgUnit]
                if pair.idScheme == .code { query.inputIdScheme = "CODE" }
            }
            var expected: [Key: Content] = [:]
            var unmapped = 0
            try await source.exportDataValues(sourceQuery) { values in
                for value in values {
                    guard target != nil, let translated = try? translator.translate(value) else {
                        if value.deleted != true { unmapped += 1 }
                        continue
                    }
                    expected[Key(translated)] = Content(translated)
                }
            }
            report.slices += 1
            report.unmapped += unmapped
            if unmapped > 0 { note(&report, "\(unmapped) values of \(slice) have an id without a confirmed mapping") }
            guard target != nil else { continue }
            var tally = SliceDifferences(slice: slice)
            report.sourceValues += expected.values.filter { !$0.deleted }.count
            var seen = Set<Key>()
            try await destination.exportDataValues(query) { values in
                for value in values {
                    let key = Key(value)
                    seen.insert(key)
                    let actual = Content(value)
                    guard let wanted = expected[key] else {
                        tally.extra += 1
                        note(&report, "extra at the destination: \(value)")
                        continue
                    }
                    if wanted.deleted {
                        if pair.deletionPolicy == .propagate {
                            tally.notDeleted += 1
                            note(&report, "deleted at the source, still at the destination: \(value)")
                        }
                    } else if wanted == actual {
                        report.matching += 1
                    } else {
                        tally.different += 1
                        note(&report, "differs: source \(wanted.value ?? "null") vs destination \(value)")
                    }
                }
            }
            for (key, content) in expected where !content.deleted && !seen.contains(key) {
                tally.missing += 1
                note(
                    &report,
                    "missing at the destination: de=\(key.dataElement) pe=\(key.period) ou=\(key.orgUnit) "
                        + "coc=\(key.optionCombo) aoc=\(key.attributeCombo) value=\(content.value ?? "null")"
                )
            }
            report.add(tally)
        }
        return report
    }

    /// Verifies, re-sends the slices that differ as a run of kind `verify` (under the pair's lock, through
    /// `runner`), then verifies those slices again. Extra values at the destination stay: the source has
    /// nothing to send for them.
    public func repair(
        _ pair: Pair,
        _ request: SyncRunner.Request,
        runner: SyncRunner,
        source: DHIS2Client,
        destination: DHIS2Client
    ) async throws -> Repair {
        let before = try await verify(pair, request, source: source, destination: destination)
        guard !before.differingSlices.isEmpty else { return Repair(before: before, run: nil, after: nil) }
        var resend = request
        resend.resend = .init(kind: .verify, slices: before.differingSlices)
        let run = try await runner.run(pair, resend, source: source, destination: destination)
        let after = try await verify(pair, resend, source: source, destination: destination)
        return Repair(before: before, run: run, after: after)
    }

    /// A repair: the first comparison, the run that re-sent the differing slices, and their second comparison.
    public struct Repair: Sendable, Hashable {
        public var before: Report
        public var run: SyncRunner.Outcome?
        /// Only the re-sent slices; nil when nothing differed.
        public var after: Report?

        /// True when nothing differed or everything re-sent now matches.
        public var isEqual: Bool { after?.isEqual ?? before.isEqual }
    }

    private func note(_ report: inout Report, _ line: String) {
        if report.samples.count < 10 { report.samples.append(line) }
    }
}
