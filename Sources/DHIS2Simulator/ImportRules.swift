import DHIS2Periods

/// The write access and data entry rules of one simulator, resolved once to metadata indexes so that the
/// per-value checks of an import are array lookups. Every table is empty when its rule is unused, which the
/// checks test first: a default simulator pays one `isEmpty` per rule and value.
struct ImportRules: Sendable {
    /// Data sets the user may not write (E7601).
    var unwritableDataSets: Set<Int> = []
    /// Per option combo, its category options without write access (E7614/E7616); empty when none.
    var unwritableOptionsOfCombo: [[Int]] = []
    /// Roots of the user's capture hierarchy (E7617); nil when it is the whole tree.
    var captureRoots: [Int]?
    var superuser = true
    /// The user's UID, named by E7617.
    var userID = ""
    /// Per option combo, the intersection of its options' date windows in days since the epoch (E7638).
    var comboWindows: [DayWindow?] = []
    /// Per option combo, for each of its options that has org units, their indexes (E7639).
    var comboOrgUnits: [[[Int]]] = []
    /// Per data set, `expiryDays` (0: never expires) (E7640).
    var expiryDays: [Int] = []
    /// Per data set, its data input periods by period id; empty when every period is open (E7643/E7644).
    var inputPeriods: [[String: DayWindow]] = []
    /// Per data element, the codes of its option set (E7621); empty when no element has one.
    var optionCodes: [Set<String>?] = []

    /// Days `start...end` (inclusive), either side open.
    struct DayWindow: Sendable, Hashable {
        var start: Int?
        var end: Int?
    }

    init() {}

    init(
        _ access: SimulatorConfiguration.WriteAccess,
        _ rules: SimulatorConfiguration.DataEntryRules,
        metadata: SimulatorMetadata,
        userID: String
    ) {
        self.userID = userID
        superuser = access.superuser
        unwritableDataSets = Set(access.unwritableDataSets.compactMap { metadata.dataSet($0, .uid) })
        let combos = metadata.categoryOptionCombos
        let blocked = Set(access.unwritableCategoryOptions.compactMap { metadata.categoryOption($0, .uid) })
        if !blocked.isEmpty {
            unwritableOptionsOfCombo = combos.map { $0.options.filter(blocked.contains) }
        }
        captureRoots = access.captureRoots.map { $0.compactMap { metadata.orgUnit($0, .uid) } }
        func day(_ text: String?) -> Int? { text.flatMap(CalendarDate.init(iso:))?.daysSinceEpoch }
        var optionWindows: [Int: DayWindow] = [:]
        for (uid, window) in rules.categoryOptionDates {
            guard let option = metadata.categoryOption(uid, .uid) else { continue }
            optionWindows[option] = DayWindow(start: day(window.start), end: day(window.end))
        }
        if !optionWindows.isEmpty {
            comboWindows = combos.map { combo in
                let windows = combo.options.compactMap { optionWindows[$0] }
                guard !windows.isEmpty else { return nil }
                // The latest start and the earliest end, as CategoryOptionCombo.getDateRange does.
                return DayWindow(
                    start: windows.compactMap(\.start).max(),
                    end: windows.compactMap(\.end).min()
                )
            }
        }
        var optionUnits: [Int: [Int]] = [:]
        for (uid, units) in rules.categoryOptionOrgUnits {
            guard let option = metadata.categoryOption(uid, .uid) else { continue }
            optionUnits[option] = units.compactMap { metadata.orgUnit($0, .uid) }
        }
        if !optionUnits.isEmpty {
            comboOrgUnits = combos.map { combo in combo.options.compactMap { optionUnits[$0] } }
        }
        expiryDays = metadata.dataSets.map(\.expiryDays)
        for (uid, days) in rules.expiryDays {
            if let set = metadata.dataSet(uid, .uid) { expiryDays[set] = days }
        }
        if !rules.dataInputPeriods.isEmpty {
            inputPeriods = Array(repeating: [:], count: metadata.dataSets.count)
            for (uid, periods) in rules.dataInputPeriods {
                guard let set = metadata.dataSet(uid, .uid) else { continue }
                for entry in periods {
                    inputPeriods[set][entry.period] = DayWindow(
                        start: day(entry.openingDate),
                        end: day(entry.closingDate)
                    )
                }
            }
        }
        if !rules.optionSets.isEmpty {
            optionCodes = Array(repeating: nil, count: metadata.dataElements.count)
            for (uid, codes) in rules.optionSets {
                if let element = metadata.dataElement(uid, .uid) { optionCodes[element] = Set(codes) }
            }
        }
    }

    /// Whether `unit` lies in the user's capture hierarchy.
    func inCaptureHierarchy(_ unit: Int, metadata: SimulatorMetadata) -> Bool {
        guard let captureRoots else { return true }
        return captureRoots.contains { metadata.isInSubtree(unit, of: $0) }
    }

    /// Whether a data set accepts data for `period` on `today` (DataSet.isDataInputPeriodAndDateAllowed): true
    /// without input periods, else the period must be listed and `today` inside its opening and closing dates.
    func inputAllowed(dataSet: Int, period: Period, today: Int) -> Bool {
        guard !inputPeriods.isEmpty, !inputPeriods[dataSet].isEmpty else { return true }
        guard let window = inputPeriods[dataSet][period.id] else { return false }
        // The closing date is a timestamp at midnight: the closing day itself is already closed.
        return window.start.map { today >= $0 } ?? true && window.end.map { today < $0 } ?? true
    }

    /// Whether a non-superuser is locked out of `period` by the data set's expiry days (DataSet.isLocked).
    func expired(dataSet: Int, period: Period, today: Int) -> Bool {
        let days = expiryDays[dataSet]
        return !superuser && days > 0 && today >= period.end.daysSinceEpoch + days
    }
}
