import DHIS2Periods

/// Interns the periods data values refer to, so a value key holds a small integer instead of a period.
///
/// Only periods that some value uses (the generated window and whatever imports bring) are interned, which
/// is exactly the set a `startDate`/`endDate` export has to consider.
struct PeriodTable: Sendable {
    struct Entry: Sendable, Hashable {
        var id: String
        var type: PeriodType
        var startDay: Int
        var endDay: Int
    }

    private(set) var entries: [Entry] = []
    private var byID: [String: Int32] = [:]

    /// The index of `period`, interning it when new.
    mutating func intern(_ period: Period) -> Int32 {
        let id = period.id
        if let index = byID[id] { return index }
        let index = Int32(entries.count)
        entries.append(
            Entry(id: id, type: period.type, startDay: period.start.daysSinceEpoch, endDay: period.end.daysSinceEpoch)
        )
        byID[id] = index
        return index
    }

    /// The index of an already interned canonical period id.
    func lookup(_ id: String) -> Int32? { byID[id] }

    subscript(index: Int32) -> Entry { entries[Int(index)] }

    var count: Int { entries.count }
}

extension Period {
    /// Parses a period id as the simulated server version would: types newer than the version are unknown.
    static func parse(_ id: String, on version: ServerVersion) -> Period? {
        guard let period = Period.parse(id), period.type.minimumServerMinorVersion <= version.minor else {
            return nil
        }
        return period
    }
}
