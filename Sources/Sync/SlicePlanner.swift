import DHIS2Periods

/// One unit of work and of checkpointing: a data set's values for one period in one org unit's
/// subtree (the org unit at the pair's level, read with `children=true`).
public struct SliceKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var dataSet: String
    public var period: String
    public var orgUnit: String

    public init(dataSet: String, period: String, orgUnit: String) {
        self.dataSet = dataSet
        self.period = period
        self.orgUnit = orgUnit
    }

    public static func < (lhs: SliceKey, rhs: SliceKey) -> Bool {
        (lhs.dataSet, lhs.period, lhs.orgUnit) < (rhs.dataSet, rhs.period, rhs.orgUnit)
    }

    public var description: String { "\(dataSet)/\(period)/\(orgUnit)" }
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

    /// Every (data set, period of its type lying inside `window`, org unit) triple.
    public static func plan(dataSets: [DataSetInput], orgUnits: [String], window: PeriodWindow) -> Plan {
        var slices: [SliceKey] = []
        var skipped: [String: String] = [:]
        let units = orgUnits.sorted()
        for dataSet in dataSets.sorted(by: { $0.uid < $1.uid }) {
            guard let type = try? PeriodType(name: dataSet.periodType) else {
                skipped[dataSet.uid] = "period type '\(dataSet.periodType)' is not one this build knows"
                continue
            }
            for period in window.periods(of: type) {
                for unit in units {
                    slices.append(SliceKey(dataSet: dataSet.uid, period: period.id, orgUnit: unit))
                }
            }
        }
        return Plan(slices: slices, skipped: skipped)
    }
}
