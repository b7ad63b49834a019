import Synchronization

/// All data values of a simulator: the pristine set computed from the seed, plus an overlay holding every
/// row written or deleted through imports (overlay rows win).
final class DataStore: Sendable {
    struct OverlayEntry: Sendable, Hashable {
        var stored: StoredValue
        /// Whether the key is also a pristine value, which the export's pristine pass then replaces.
        var shadowsPristine: Bool
    }

    /// Data set completeness registrations made by imports with a `completeDate`.
    struct CompletenessKey: Hashable, Sendable {
        var dataSet: Int32
        var period: Int32
        var orgUnit: Int32
        var attributeOptionCombo: Int32
    }

    struct State: Sendable {
        var periods: PeriodTable
        private(set) var overlay: [ValueKey: OverlayEntry] = [:]
        /// The overlay's new (non-shadowing) keys by period: an export selects periods, and scanning the
        /// whole overlay per request made exports from a destination filled by a sync quadratic.
        private(set) var additionsByPeriod: [Int32: Set<ValueKey>] = [:]
        var completeness: [CompletenessKey: Timestamp] = [:]

        init(periods: PeriodTable) {
            self.periods = periods
        }

        mutating func write(_ key: ValueKey, _ row: StoredValue, shadowsPristine: @autoclosure () -> Bool) {
            if overlay[key] != nil {
                overlay[key]?.stored = row
                return
            }
            let shadows = shadowsPristine()
            overlay[key] = OverlayEntry(stored: row, shadowsPristine: shadows)
            if !shadows { additionsByPeriod[key.period, default: []].insert(key) }
        }

        mutating func removeOverlay(where shouldRemove: (ValueKey, OverlayEntry) -> Bool) {
            for (key, entry) in overlay where shouldRemove(key, entry) {
                overlay[key] = nil
                if !entry.shadowsPristine { additionsByPeriod[key.period]?.remove(key) }
            }
        }

        /// The new keys whose period passes `selected` (indexed by period).
        func additions(periodSelected selected: [Bool]) -> [ValueKey] {
            var keys: [ValueKey] = []
            for (period, set) in additionsByPeriod where selected.indices.contains(Int(period)) && selected[Int(period)]
            {
                keys.append(contentsOf: set)
            }
            return keys
        }
    }

    let metadata: SimulatorMetadata
    let space: ValueSpace
    private let state: Mutex<State>

    init(metadata: SimulatorMetadata, seed: UInt64, valueCount: Int, referenceDay: Int, years: Int) {
        var periods = PeriodTable()
        space = ValueSpace(
            metadata: metadata,
            periods: &periods,
            seed: seed,
            requestedCount: valueCount,
            referenceDay: referenceDay,
            years: years
        )
        self.metadata = metadata
        state = Mutex(State(periods: periods))
    }

    /// A consistent copy for a reader (copy-on-write: cheap until the next import mutates the store).
    func snapshot() -> State {
        state.withLock { $0 }
    }

    func withState<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    /// The pristine key of a value position, when a pristine value exists there.
    func pristineKey(_ key: ValueKey) -> UInt64? {
        guard
            let spaceKey = space.key(
                unit: Int(key.orgUnit),
                dataElement: Int(key.dataElement),
                period: key.period,
                optionCombo: Int(key.optionCombo),
                attributeOptionCombo: Int(key.attributeOptionCombo)
            ), space.contains(key: spaceKey)
        else { return nil }
        let slotCount = UInt64(space.slots.count)
        guard space.isAssigned(slot: Int(spaceKey % slotCount), unitPosition: Int(spaceKey / slotCount)) else {
            return nil
        }
        return spaceKey
    }

    /// The generated content of a pristine key.
    func pristineContent(_ spaceKey: UInt64, periods: PeriodTable) -> StoredValue {
        let slot = space.slots[Int(spaceKey % UInt64(space.slots.count))]
        let element = metadata.dataElements[Int(slot.dataElement)]
        return space.content(
            key: spaceKey,
            slot: slot,
            valueType: element.valueType,
            zeroIsSignificant: element.zeroIsSignificant,
            periodEndDay: periods[slot.period].endDay
        )
    }

    /// The row at `key` (possibly soft-deleted), or nil when none was ever written.
    func row(at key: ValueKey, in state: State) -> StoredValue? {
        if let entry = state.overlay[key] { return entry.stored }
        return pristineKey(key).map { pristineContent($0, periods: state.periods) }
    }
}
