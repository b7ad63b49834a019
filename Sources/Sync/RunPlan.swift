import DHIS2Periods

/// A pair's slices for a request: its active data sets and org units (narrowed by `--districts`)
/// against the request's period window.
struct RunPlan: Sendable {
    var window: PeriodWindow
    var plan: SlicePlanner.Plan
    var dataSets: [String: PairCatalog.StoredDataSet]

    static func make(
        _ pair: Pair,
        _ request: SyncRunner.Request,
        catalog: PairCatalog,
        incrementalWindowDays: Int = SyncRunner.Settings().incrementalWindowDays
    ) async throws -> RunPlan {
        let units = try await selectOrgUnits(pair, request.districts, catalog: catalog)
        let dataSets = try await catalog.dataSets(pairID: pair.id)
        let inputs = dataSets.map { SlicePlanner.DataSetInput(uid: $0.uid, periodType: $0.periodType) }
        let window: PeriodWindow
        let plan: SlicePlanner.Plan
        if let resend = request.resend {
            // Slices named by the caller (conflicts retry, verify --repair): nothing to plan, but only the
            // pair's active data sets can be sent.
            // The run's window is what the slices' periods span, so an after-run analytics refresh covers them.
            let periods = resend.slices.flatMap(\.periods).compactMap(Period.parse)
            if let start = periods.map(\.start).min(), let end = periods.map(\.end).max() {
                window = PeriodWindow(range: start...end)
            } else {
                window = request.selection.window(today: request.today)
            }
            let known = Set(dataSets.map(\.uid))
            plan = SlicePlanner.Plan(slices: resend.slices.filter { known.contains($0.dataSet) }, skipped: [:])
        } else if request.incremental {
            // Back far enough for late reports, forward a year for data sets with open future periods.
            window = PeriodWindow(
                range: request.today.adding(days: -incrementalWindowDays)...request.today.adding(days: 366)
            )
            plan = SlicePlanner.incrementalPlan(dataSets: inputs, orgUnits: units)
        } else {
            window = request.selection.window(today: request.today)
            plan = SlicePlanner.plan(dataSets: inputs, orgUnits: units, window: window)
        }
        guard !plan.slices.isEmpty || request.resend != nil else {
            throw SyncError(
                .invalidInput,
                "nothing to sync for pair \(pair.name) with \(request.label): no data set has a period "
                    + "of its type lying entirely inside \(window.range.lowerBound)…\(window.range.upperBound)"
            )
        }
        return RunPlan(
            window: window,
            plan: plan,
            dataSets: Dictionary(uniqueKeysWithValues: dataSets.map { ($0.uid, $0) })
        )
    }

    /// The pair's active org units, narrowed to `districts` by name when given.
    private static func selectOrgUnits(
        _ pair: Pair,
        _ districts: [String],
        catalog: PairCatalog
    ) async throws -> [String] {
        let units = try await catalog.orgUnits(pairID: pair.id)
        guard !districts.isEmpty else { return units.map(\.uid) }
        var byName: [String: [String]] = [:]
        for unit in units { byName[unit.name.lowercased(), default: []].append(unit.uid) }
        var selected: [String] = []
        var unknown: [String] = []
        for name in districts {
            if let uids = byName[name.lowercased()] { selected += uids } else { unknown.append(name) }
        }
        guard unknown.isEmpty else {
            let known = units.prefix(5).map(\.name).joined(separator: ", ")
            throw SyncError(
                .invalidInput,
                "--districts: pair \(pair.name) has no org unit at level \(pair.orgUnitLevel) named "
                    + unknown.map { "'\($0)'" }.joined(separator: ", ")
                    + " (known ones include \(known)…; `dhis2-sync pair show \(pair.name)` lists them)"
            )
        }
        return Array(Set(selected)).sorted()
    }
}
