import DHIS2Periods

/// One unit of work and of checkpointing: a data set's values for a group of its periods in one org
/// unit's subtree (the org unit at the pair's level, read with `children=true`).
public struct SliceKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var dataSet: String
    /// The slice's period ids, comma-separated (the ledger stores them so, in `slices.period_id`).
    public var period: String
    public var orgUnit: String

    public init(dataSet: String, period: String, orgUnit: String) {
        self.dataSet = dataSet
        self.period = period
        self.orgUnit = orgUnit
    }

    public init(dataSet: String, periods: [String], orgUnit: String) {
        self.init(dataSet: dataSet, period: periods.joined(separator: ","), orgUnit: orgUnit)
    }

    /// The period ids the export asks for (`period=` repeated).
    public var periods: [String] { period.split(separator: ",").map(String.init) }

    public static func < (lhs: SliceKey, rhs: SliceKey) -> Bool {
        (lhs.dataSet, lhs.period, lhs.orgUnit) < (rhs.dataSet, rhs.period, rhs.orgUnit)
    }

    public var description: String {
        let periods = self.periods
        let span = periods.count > 1 ? "\(periods[0])…\(periods[periods.count - 1])" : period
        return "\(dataSet)/\(span)/\(orgUnit)"
    }
}

/// Turns a pair's data sets, org units and a period window into slices. Pure.
public enum SlicePlanner {
    public struct DataSetInput: Sendable, Hashable {
        public var uid: String
        public var periodType: String

        public init(uid: String, periodType: String) {
            self.uid = uid
            self.periodType = periodType
        }
    }

    public struct Plan: Sendable, Hashable {
        /// In a stable order: data set, then period, then org unit.
        public var slices: [SliceKey]
        /// Data sets left out, with the reason (an unknown period type, say).
        public var skipped: [String: String]
    }

    /// Every data set's periods lying inside `window`, grouped by the calendar quarter they start in,
    /// times every org unit.
    ///
    /// Grouping is what makes fine period types affordable: a year of a daily data set is 4 requests per
    /// org unit instead of 366 (measured: per-period slices spent 97% of a run on request overhead, see
    /// docs/architecture.md). A quarter keeps a slice's URL short (at most 92 `period=` items) and its
    /// retry cheap.
    public static func plan(dataSets: [DataSetInput], orgUnits: [String], window: PeriodWindow) -> Plan {
        var slices: [SliceKey] = []
        var skipped: [String: String] = [:]
        let units = orgUnits.sorted()
        for dataSet in dataSets.sorted(by: { $0.uid < $1.uid }) {
            guard let type = try? PeriodType(name: dataSet.periodType) else {
                skipped[dataSet.uid] = "period type '\(dataSet.periodType)' is not one this build knows"
                continue
            }
            var groups: [[String]] = []
            var currentQuarter: Int?
            for period in window.periods(of: type) {
                let quarter = period.start.year * 4 + (period.start.month - 1) / 3
                if quarter != currentQuarter {
                    groups.append([])
                    currentQuarter = quarter
                }
                groups[groups.count - 1].append(period.id)
            }
            for group in groups {
                for unit in units {
                    slices.append(SliceKey(dataSet: dataSet.uid, periods: group, orgUnit: unit))
                }
            }
        }
        return Plan(slices: slices, skipped: skipped)
    }

    /// An incremental run's slices: every (data set, org unit), without periods (the export asks for a
    /// date range and `lastUpdated` instead). Data sets of unknown period types are planned too: the
    /// server, not this build, decides which of their periods fall in the range.
    public static func incrementalPlan(dataSets: [DataSetInput], orgUnits: [String]) -> Plan {
        var slices: [SliceKey] = []
        for dataSet in dataSets.sorted(by: { $0.uid < $1.uid }) {
            for unit in orgUnits.sorted() {
                slices.append(SliceKey(dataSet: dataSet.uid, period: "", orgUnit: unit))
            }
        }
        return Plan(slices: slices, skipped: [:])
    }
}
