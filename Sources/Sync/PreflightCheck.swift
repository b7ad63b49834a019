import DHIS2
import DHIS2Periods

/// The pre-flight check of a pair (pure): would the destination accept what the source has for the pair's
/// data sets, org units and periods? Every object a value can name is resolved to the destination (by UID,
/// by code under the CODE scheme, or through the pair's id mappings) and its membership checked there, so an
/// operator fixes metadata before a run turns each gap into thousands of conflicts.
public struct PreflightCheck: Sendable {
    public var scheme: Pair.IDScheme
    /// Confirmed id mappings, source id → destination id per kind, in the pair's id scheme. A kind with
    /// mappings is resolved through them only.
    public var mappings: [ValueTranslator.Kind: [String: String]] = [:]
    /// The pair's data sets (UIDs at the source).
    public var dataSets: [String]
    /// The pair's org units at its level (UIDs at the source): values come from their subtrees.
    public var orgUnitRoots: [String]
    /// Per data set, the periods a run would send.
    public var periods: [String: [Period]] = [:]
    public var today: CalendarDate

    public init(scheme: Pair.IDScheme, dataSets: [String], orgUnitRoots: [String], today: CalendarDate) {
        self.scheme = scheme
        self.dataSets = dataSets
        self.orgUnitRoots = orgUnitRoots
        self.today = today
    }

    /// Where a source object lands at the destination.
    enum Resolution: Hashable {
        case found(String)
        case missing
        case noCode
        case unmapped
    }

    func resolve(
        _ kind: ValueTranslator.Kind,
        _ uid: String,
        source: MetadataSnapshot,
        destination: MetadataSnapshot
    ) -> Resolution {
        // Mappings are kept in the pair's id scheme: UIDs, or codes on both sides.
        if let table = mappings[kind], !table.isEmpty {
            switch scheme {
            case .uid:
                guard let mapped = table[uid] else { return .unmapped }
                return destination.contains(kind, uid: mapped) ? .found(mapped) : .missing
            case .code:
                guard let code = source.code(kind, uid) else { return .noCode }
                guard let mapped = table[code] else { return .unmapped }
                return destination.uid(kind, code: mapped).map(Resolution.found) ?? .missing
            }
        }
        switch scheme {
        case .uid:
            return destination.contains(kind, uid: uid) ? .found(uid) : .missing
        case .code:
            guard let code = source.code(kind, uid) else { return .noCode }
            return destination.uid(kind, code: code).map(Resolution.found) ?? .missing
        }
    }

    public func run(source: MetadataSnapshot, destination: MetadataSnapshot) -> PreflightReport {
        var report = PreflightReport()
        // Once per check, not per assignment: a unit is in scope when a pair root is on its path.
        let roots = Set(orgUnitRoots)
        let scope = Set(
            source.orgUnits.values.lazy.filter { unit in
                unit.path.split(separator: "/").contains { roots.contains(String($0)) }
            }.map(\.id)
        )
        func inScope(_ unit: String) -> Bool { scope.contains(unit) }
        /// Resolves and records what went wrong; nil unless found.
        func landing(_ kind: ValueTranslator.Kind, _ uid: String, in dataSet: String) -> String? {
            let resolution = resolve(kind, uid, source: source, destination: destination)
            let object = source.label(kind, uid)
            switch resolution {
            case .found(let target): return target
            case .missing: report.add(.missing(kind), object, context: dataSet)
            case .noCode: report.add(.noCode(kind), object, context: dataSet)
            case .unmapped: report.add(.unmapped(kind), object, context: dataSet)
            }
            return nil
        }

        let chosen = dataSets.compactMap { source.dataSets[$0] }.sorted { $0.name < $1.name }
        for sourceSet in chosen {
            let context = sourceSet.name
            report.checked.dataSets += 1
            let targetSet = landing(.dataSet, sourceSet.id, in: context).flatMap { destination.dataSets[$0] }
            let targetElements = Set(targetSet?.dataSetElements.map(\.dataElement.id) ?? [])

            for member in sourceSet.dataSetElements {
                report.checked.dataElements += 1
                let element = member.dataElement.id
                let targetElement = landing(.dataElement, element, in: context)
                if let targetElement, targetSet != nil, !targetElements.contains(targetElement) {
                    report.add(.notInDataSet, source.label(.dataElement, element), context: context)
                }
                let allowed = targetElement.map { destination.optionCombos(of: $0, in: targetSet) }
                for combo in source.optionCombos(of: element, in: sourceSet).sorted() {
                    report.checked.optionCombos += 1
                    guard let target = landing(.categoryOptionCombo, combo, in: context), let allowed else { continue }
                    if !allowed.contains(target) {
                        report.add(
                            .notInElementCombo,
                            source.label(.categoryOptionCombo, combo),
                            context: "\(source.label(.dataElement, element)) in \(context)"
                        )
                    }
                }
            }

            let allowedAttributes = targetSet.map { destination.attributeOptionCombos(of: $0) }
            for combo in source.attributeOptionCombos(of: sourceSet).sorted() {
                report.checked.optionCombos += 1
                guard let target = landing(.attributeOptionCombo, combo, in: context),
                    let allowedAttributes
                else { continue }
                if !allowedAttributes.contains(target) {
                    report.add(.notInAttributeCombo, source.label(.attributeOptionCombo, combo), context: context)
                }
            }

            let assigned = Set(targetSet?.organisationUnits.map(\.id) ?? [])
            for unit in sourceSet.organisationUnits.map(\.id).sorted() where inScope(unit) {
                report.checked.orgUnits += 1
                guard let target = landing(.orgUnit, unit, in: context), targetSet != nil else { continue }
                if !assigned.contains(target) {
                    report.add(.notAssigned, source.label(.orgUnit, unit), context: context)
                }
            }

            guard let targetSet else { continue }
            for period in periods[sourceSet.id] ?? [] {
                report.checked.periods += 1
                if let reason = Self.closedReason(period, targetSet, today: today) {
                    report.add(.periodClosed, period.id, context: "\(context): \(reason)")
                }
            }
        }
        return report
    }

    /// Why the destination's data set refuses entry for a period today, or nil when it is open (DHIS2's
    /// data input periods, expiry days and open future periods; locks and approvals are not metadata).
    static func closedReason(_ period: Period, _ dataSet: DataSetMembers, today: CalendarDate) -> String? {
        if !dataSet.dataInputPeriods.isEmpty {
            guard let input = dataSet.dataInputPeriods.first(where: { $0.period.id == period.id }) else {
                return "not among the data set's data input periods"
            }
            if let opening = input.openingDate.flatMap(Self.day), today < opening {
                return "opens for entry on \(opening)"
            }
            if let closing = input.closingDate.flatMap(Self.day), today > closing {
                return "closed for entry on \(closing)"
            }
        }
        if dataSet.expiryDays > 0 {
            let expiry = period.end.adding(days: dataSet.expiryDays)
            if today > expiry { return "expired on \(expiry) (expiry days \(dataSet.expiryDays))" }
        }
        if period.start > today {
            var latest = period.type.period(containing: today)
            for _ in 0..<max(0, dataSet.openFuturePeriods) { latest = latest.next }
            if period.start > latest.end {
                return "after the latest open future period \(latest.id) (open future periods "
                    + "\(dataSet.openFuturePeriods))"
            }
        }
        return nil
    }

    /// The day of a DHIS2 timestamp or date (`2024-01-31T00:00:00.000` or `2024-01-31`).
    private static func day(_ text: String) -> CalendarDate? {
        CalendarDate(iso: String(text.prefix(10)))
    }
}
