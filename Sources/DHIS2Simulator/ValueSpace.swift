import DHIS2Periods

/// The pristine data values of a simulator, computed on demand from `(seed, index)`.
///
/// Every possible value key is a pair (org unit position, slot), where a slot is one
/// (data element, period, category option combo, attribute option combo) of a data set. The keys form the
/// range `0..<modulus`; an affine permutation of that range picks which `count` keys carry a value, so
/// membership, the key of the i-th value and the value's content are all O(1) and nothing is stored per value.
struct ValueSpace: Sendable {
    struct Slot: Sendable, Hashable {
        var dataElement: Int32
        var period: Int32
        var optionCombo: Int32
        var attributeOptionCombo: Int32
        var dataSet: Int32
    }

    private struct SlotKey: Hashable {
        var dataElement: Int32
        var period: Int32
        var optionCombo: Int32
        var attributeOptionCombo: Int32
    }

    let seed: UInt64
    /// Number of pristine values.
    let count: Int
    /// Org units that carry values (assigned to a data set), by position.
    let units: [Int32]
    /// Org unit index → position in `units`, or -1.
    private let unitPosition: [Int32]
    let slots: [Slot]
    private let slotIndex: [SlotKey: Int32]
    /// Per data set, whether each unit position is assigned (DHIS2 only accepts values for assigned units
    /// with strict checks, but generated data should look assigned).
    private let assigned: [[Bool]]
    let modulus: UInt64
    private let multiplier: UInt64
    private let inverseMultiplier: UInt64
    private let offset: UInt64
    /// Latest time a generated value may carry.
    let now: Timestamp

    init(
        metadata: SimulatorMetadata,
        periods: inout PeriodTable,
        seed: UInt64,
        requestedCount: Int,
        referenceDay: Int,
        years: Int
    ) {
        self.seed = seed
        now = Timestamp(daysSinceEpoch: referenceDay)
        let unitSet = Set(metadata.dataSets.flatMap(\.organisationUnits))
        units = unitSet.sorted().map { Int32($0) }
        var position = Array(repeating: Int32(-1), count: metadata.organisationUnits.count)
        for (index, unit) in units.enumerated() { position[Int(unit)] = Int32(index) }
        unitPosition = position
        assigned = metadata.dataSets.map { dataSet in
            var flags = Array(repeating: false, count: position.count == 0 ? 0 : unitSet.count)
            for unit in dataSet.organisationUnits where position[unit] >= 0 { flags[Int(position[unit])] = true }
            return flags
        }

        let reference = CalendarDate(daysSinceEpoch: referenceDay)
        let windowStart = reference.adding(months: -12 * years)
        var slots: [Slot] = []
        var slotIndex: [SlotKey: Int32] = [:]
        for (setIndex, dataSet) in metadata.dataSets.enumerated() {
            guard let type = PeriodType(rawValue: dataSet.periodType), windowStart < reference else { continue }
            let window = type.periods(within: windowStart...reference.adding(days: -1))
            let attributeCombos = metadata.categoryCombos[dataSet.categoryCombo].optionCombos
            for element in dataSet.elements {
                let combo = element.categoryCombo ?? metadata.dataElements[element.dataElement].categoryCombo
                for period in window {
                    let periodIndex = periods.intern(period)
                    for optionCombo in metadata.categoryCombos[combo].optionCombos {
                        for attributeCombo in attributeCombos {
                            let key = SlotKey(
                                dataElement: Int32(element.dataElement),
                                period: periodIndex,
                                optionCombo: Int32(optionCombo),
                                attributeOptionCombo: Int32(attributeCombo)
                            )
                            if slotIndex[key] != nil { continue }
                            slotIndex[key] = Int32(slots.count)
                            slots.append(
                                Slot(
                                    dataElement: key.dataElement,
                                    period: periodIndex,
                                    optionCombo: key.optionCombo,
                                    attributeOptionCombo: key.attributeOptionCombo,
                                    dataSet: Int32(setIndex)
                                )
                            )
                        }
                    }
                }
            }
        }
        self.slots = slots
        self.slotIndex = slotIndex
        modulus = UInt64(units.count) * UInt64(slots.count)
        count = modulus == 0 ? 0 : min(requestedCount, Int(modulus))
        var generator = SplitMix64.stream(seed: seed, label: "permutation")
        if modulus > 1 {
            var candidate = (generator.next() % modulus) | 1
            while ValueSpace.gcd(candidate, modulus) != 1 { candidate = (candidate + 2) % modulus | 1 }
            multiplier = candidate
            inverseMultiplier = ValueSpace.inverse(candidate, modulus)
            offset = generator.next() % modulus
        } else {
            multiplier = 1
            inverseMultiplier = 1
            offset = 0
        }
    }

    // MARK: - Keys

    /// The key (unit position × slots + slot) of the i-th pristine value.
    @inline(__always)
    func key(ofValue index: Int) -> UInt64 {
        // Both terms are below the modulus, which stays far below 2^63: no overflow.
        let sum = ValueSpace.mulmod(UInt64(index), multiplier, modulus) + offset
        return sum >= modulus ? sum - modulus : sum
    }

    /// Whether the key carries a pristine value.
    @inline(__always)
    func contains(key: UInt64) -> Bool {
        let shifted = key >= offset ? key - offset : key + modulus - offset
        return ValueSpace.mulmod(shifted, inverseMultiplier, modulus) < UInt64(count)
    }

    /// The key of a value position, or nil when no pristine value can exist there.
    func key(unit: Int, dataElement: Int, period: Int32, optionCombo: Int, attributeOptionCombo: Int) -> UInt64? {
        guard unit < unitPosition.count, unitPosition[unit] >= 0 else { return nil }
        let slotKey = SlotKey(
            dataElement: Int32(dataElement),
            period: period,
            optionCombo: Int32(optionCombo),
            attributeOptionCombo: Int32(attributeOptionCombo)
        )
        guard let slot = slotIndex[slotKey] else { return nil }
        return UInt64(unitPosition[unit]) * UInt64(slots.count) + UInt64(slot)
    }

    func unitPosition(of unit: Int) -> Int? {
        guard unit < unitPosition.count, unitPosition[unit] >= 0 else { return nil }
        return Int(unitPosition[unit])
    }

    /// Whether the slot's data set is assigned to the unit at `position`.
    @inline(__always)
    func isAssigned(slot: Int, unitPosition position: Int) -> Bool {
        assigned[Int(slots[slot].dataSet)][position]
    }

    // MARK: - Arithmetic

    @inline(__always)
    static func mulmod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((product.high, product.low)).remainder
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// Modular inverse by the extended Euclidean algorithm (moduli stay far below 2^62).
    static func inverse(_ a: UInt64, _ m: UInt64) -> UInt64 {
        var (oldR, r) = (Int64(a), Int64(m))
        var (oldS, s) = (Int64(1), Int64(0))
        while r != 0 {
            let quotient = oldR / r
            (oldR, r) = (r, oldR - quotient * r)
            (oldS, s) = (s, oldS - quotient * s)
        }
        let result = oldS % Int64(m)
        return UInt64(result < 0 ? result + Int64(m) : result)
    }
}
