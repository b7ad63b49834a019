/// Produces the JSON of a data value export piece by piece, straight from the value space and the overlay,
/// so a response of millions of values is never held in memory (reference §1.3, §1.5).
struct ExportCursor {
    private enum Phase {
        case header
        /// Walks selected units × selected slots, testing membership (dense selections).
        case pristineByCandidate(unit: Int, slot: Int)
        /// Walks the pristine values in permutation order, testing the selection (sparse selections).
        case pristineByValue(index: Int)
        case overlay(index: Int)
        case closing
        case done
    }

    private let store: DataStore
    private let metadata: SimulatorMetadata
    private let state: DataStore.State
    private let request: ExportRequest
    private let zoneSuffix: Bool
    private var phase = Phase.header
    private(set) var valueCount = 0

    private let selectedUnitPositions: [Int32]
    private let unitSelected: [Bool]
    /// Per metadata org unit, whether the request selects it: a lookup instead of a scan of `request.orgUnits`,
    /// which an org unit group can make thousands long.
    private let orgUnitSelected: [Bool]
    private let selectedSlots: [Int32]
    private let slotSelected: [Bool]
    private let periodSelected: [Bool]
    private let elementSelected: [Bool]
    private let overlayEntries: [(key: ValueKey, entry: DataStore.OverlayEntry)]

    // Pre-rendered JSON values (`"id"` or `null`) per object under the requested schemes.
    private let elementText: [[UInt8]]
    private let unitText: [[UInt8]]
    private let comboText: [[UInt8]]
    private let attributeComboText: [[UInt8]]
    private let periodText: [[UInt8]]

    init(store: DataStore, request: ExportRequest, version: ServerVersion) {
        self.store = store
        self.request = request
        let state = store.snapshot()
        self.state = state
        zoneSuffix = !version.usesDataEntryRewrite
        let metadata = store.metadata
        self.metadata = metadata
        let space = store.space

        var elementSelected = Array(repeating: false, count: metadata.dataElements.count)
        for element in request.dataElements { elementSelected[element] = true }
        self.elementSelected = elementSelected
        periodSelected = state.periods.entries.map { entry in
            switch request.periods {
            case .any: true
            case .ids(let ids): ids.contains(entry.id)
            case .contained(let start, let end): entry.startDay >= start && entry.endDay <= end
            }
        }
        var slotSelected = Array(repeating: false, count: space.slots.count)
        var selectedSlots: [Int32] = []
        for (index, slot) in space.slots.enumerated()
        where elementSelected[Int(slot.dataElement)] && periodSelected[Int(slot.period)]
            && (request.attributeOptionCombos?.contains(Int(slot.attributeOptionCombo)) ?? true)
        {
            slotSelected[index] = true
            selectedSlots.append(Int32(index))
        }
        self.slotSelected = slotSelected
        self.selectedSlots = selectedSlots
        var orgUnitSelected = Array(repeating: false, count: metadata.organisationUnits.count)
        for root in request.orgUnits {
            let end = request.children ? metadata.organisationUnits[root].subtreeEnd : root + 1
            for unit in root..<end { orgUnitSelected[unit] = true }
        }
        self.orgUnitSelected = orgUnitSelected
        var unitSelected = Array(repeating: false, count: space.units.count)
        for (position, unit) in space.units.enumerated() {
            unitSelected[position] = orgUnitSelected[Int(unit)]
        }
        self.unitSelected = unitSelected
        selectedUnitPositions = unitSelected.indices.filter { unitSelected[$0] }.map { Int32($0) }

        let periodSelected = self.periodSelected
        overlayEntries = state.additions(periodSelected: periodSelected).compactMap { key in
            state.overlay[key].map { (key, $0) }
        }
        .sorted {
            ($0.key.orgUnit, $0.key.period, $0.key.dataElement) < (
                $1.key.orgUnit, $1.key.period, $1.key.dataElement
            )
        }

        func render(_ identity: Identity, _ scheme: IdScheme) -> [UInt8] {
            guard let text = identity.identifier(scheme) else { return Array("null".utf8) }
            var bytes: [UInt8] = []
            JSONValue.writeString(text, into: &bytes)
            return bytes
        }
        elementText = metadata.dataElements.map { render($0.identity, request.schemes.dataElement) }
        unitText = metadata.organisationUnits.map { render($0.identity, request.schemes.orgUnit) }
        comboText = metadata.categoryOptionCombos.map { render($0.identity, request.schemes.optionCombo) }
        attributeComboText = metadata.categoryOptionCombos.map {
            render($0.identity, request.schemes.attributeOptionCombo)
        }
        periodText = state.periods.entries.map { entry in
            var bytes: [UInt8] = []
            JSONValue.writeString(entry.id, into: &bytes)
            return bytes
        }
    }

    /// Appends output until at least `target` bytes are buffered or the document ends, and returns whether it
    /// ended. `stopAfter` truncates the export after that many values without closing the document (fault
    /// injection: a 200 whose body is cut short).
    mutating func fill(_ output: inout [UInt8], target: Int, stopAfter: Int? = nil) -> Bool {
        // The request's limit and an injected truncation both cap the values emitted; the inner loops
        // check it per value, since one pass over candidates can emit thousands.
        let cap = [stopAfter, request.limit].compactMap { $0 }.min()
        while output.count < target {
            if let stopAfter, valueCount >= stopAfter { return true }
            if let limit = request.limit, valueCount >= limit, !isClosingOrDone { phase = .closing }
            switch phase {
            case .header:
                writeHeader(&output)
                let candidates = selectedUnitPositions.count * selectedSlots.count
                if candidates == 0 {
                    phase = .overlay(index: 0)
                } else if candidates > 2 * store.space.count {
                    phase = .pristineByValue(index: 0)
                } else {
                    phase = .pristineByCandidate(unit: 0, slot: 0)
                }
            case .pristineByCandidate(var unit, var slot):
                var budget = 4096
                while budget > 0 && unit < selectedUnitPositions.count {
                    budget -= 1
                    let position = Int(selectedUnitPositions[unit])
                    let slotIndex = Int(selectedSlots[slot])
                    let key = UInt64(position) * UInt64(store.space.slots.count) + UInt64(slotIndex)
                    if store.space.contains(key: key) && store.space.isAssigned(slot: slotIndex, unitPosition: position)
                    {
                        emitPristine(key: key, slotIndex: slotIndex, position: position, &output)
                        if let cap, valueCount >= cap { break }
                    }
                    slot += 1
                    if slot == selectedSlots.count {
                        slot = 0
                        unit += 1
                    }
                    if output.count >= target { break }
                }
                phase =
                    unit < selectedUnitPositions.count && !selectedSlots.isEmpty
                    ? .pristineByCandidate(unit: unit, slot: slot) : .overlay(index: 0)
            case .pristineByValue(var index):
                var budget = 4096
                let slotCount = UInt64(store.space.slots.count)
                while budget > 0 && index < store.space.count {
                    budget -= 1
                    let key = store.space.key(ofValue: index)
                    index += 1
                    let slotIndex = Int(key % slotCount)
                    let position = Int(key / slotCount)
                    if slotSelected[slotIndex] && unitSelected[position]
                        && store.space.isAssigned(slot: slotIndex, unitPosition: position)
                    {
                        emitPristine(key: key, slotIndex: slotIndex, position: position, &output)
                        if output.count >= target { break }
                        if let cap, valueCount >= cap { break }
                    }
                }
                phase = index < store.space.count ? .pristineByValue(index: index) : .overlay(index: 0)
            case .overlay(var index):
                while index < overlayEntries.count && output.count < target {
                    let (key, entry) = overlayEntries[index]
                    index += 1
                    if overlayMatches(key) { emit(key: key, entry.stored, &output) }
                    if let cap, valueCount >= cap { break }
                }
                phase = index < overlayEntries.count ? .overlay(index: index) : .closing
            case .closing:
                output.append(contentsOf: "]}".utf8)
                phase = .done
            case .done:
                return true
            }
        }
        if case .done = phase { return true }
        return false
    }

    private var isClosingOrDone: Bool {
        switch phase {
        case .closing, .done: true
        default: false
        }
    }

    private mutating func writeHeader(_ output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        if let header = request.header {
            let dataSet = metadata.dataSets[header.dataSet].identity.identifier(request.schemes.dataSet)
            append(key: "dataSet", text: dataSet, &output)
            output.append(contentsOf: ",\"completeDate\":".utf8)
            let period = state.periods.lookup(header.period)
            let completed = period.flatMap { period in
                state.completeness[
                    DataStore.CompletenessKey(
                        dataSet: Int32(header.dataSet),
                        period: period,
                        orgUnit: Int32(header.orgUnit),
                        attributeOptionCombo: Int32(metadata.defaultOptionCombo)
                    )
                ]
            }
            if let completed {
                output.append(UInt8(ascii: "\""))
                completed.append(to: &output, zoneSuffix: zoneSuffix)
                output.append(UInt8(ascii: "\""))
            } else {
                output.append(contentsOf: "null".utf8)
            }
            output.append(UInt8(ascii: ","))
            append(key: "period", text: header.period, &output)
            output.append(UInt8(ascii: ","))
            append(
                key: "orgUnit",
                text: metadata.organisationUnits[header.orgUnit].identity.identifier(request.schemes.orgUnit),
                &output
            )
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: "\"dataValues\":[".utf8)
    }

    private func append(key: String, text: String?, _ output: inout [UInt8]) {
        JSONValue.writeString(key, into: &output)
        output.append(UInt8(ascii: ":"))
        if let text {
            JSONValue.writeString(text, into: &output)
        } else {
            output.append(contentsOf: "null".utf8)
        }
    }

    private func overlayMatches(_ key: ValueKey) -> Bool {
        guard elementSelected[Int(key.dataElement)], periodSelected[Int(key.period)] else { return false }
        if let combos = request.attributeOptionCombos, !combos.contains(Int(key.attributeOptionCombo)) { return false }
        return orgUnitSelected[Int(key.orgUnit)]
    }

    private mutating func emitPristine(key: UInt64, slotIndex: Int, position: Int, _ output: inout [UInt8]) {
        let slot = store.space.slots[slotIndex]
        let valueKey = ValueKey(
            dataElement: slot.dataElement,
            period: slot.period,
            orgUnit: store.space.units[position],
            optionCombo: slot.optionCombo,
            attributeOptionCombo: slot.attributeOptionCombo
        )
        if !state.overlay.isEmpty, let entry = state.overlay[valueKey] {
            emit(key: valueKey, entry.stored, &output)
            return
        }
        emit(key: valueKey, store.pristineContent(key, periods: state.periods), &output)
    }

    /// Writes one value in the writer's fixed key order, nulls included (reference §1.3).
    private mutating func emit(key: ValueKey, _ row: StoredValue, _ output: inout [UInt8]) {
        if row.deleted && !request.includeDeleted { return }
        if let since = request.lastUpdatedSince, row.lastUpdated < since { return }
        if let limit = request.limit, valueCount >= limit { return }
        if valueCount > 0 { output.append(UInt8(ascii: ",")) }
        valueCount += 1
        output.append(contentsOf: "{\"dataElement\":".utf8)
        output.append(contentsOf: elementText[Int(key.dataElement)])
        output.append(contentsOf: ",\"period\":".utf8)
        output.append(contentsOf: periodText[Int(key.period)])
        output.append(contentsOf: ",\"orgUnit\":".utf8)
        output.append(contentsOf: unitText[Int(key.orgUnit)])
        output.append(contentsOf: ",\"categoryOptionCombo\":".utf8)
        output.append(contentsOf: comboText[Int(key.optionCombo)])
        output.append(contentsOf: ",\"attributeOptionCombo\":".utf8)
        output.append(contentsOf: attributeComboText[Int(key.attributeOptionCombo)])
        output.append(contentsOf: ",\"value\":".utf8)
        appendOptional(row.value, &output)
        output.append(contentsOf: ",\"storedBy\":".utf8)
        appendOptional(row.storedBy, &output)
        output.append(contentsOf: ",\"created\":\"".utf8)
        row.created.append(to: &output, zoneSuffix: zoneSuffix)
        output.append(contentsOf: "\",\"lastUpdated\":\"".utf8)
        row.lastUpdated.append(to: &output, zoneSuffix: zoneSuffix)
        output.append(contentsOf: "\",\"comment\":".utf8)
        appendOptional(row.comment, &output)
        output.append(contentsOf: (row.followup ? ",\"followup\":true" : ",\"followup\":false").utf8)
        if row.deleted { output.append(contentsOf: ",\"deleted\":true".utf8) }
        output.append(UInt8(ascii: "}"))
    }

    private func appendOptional(_ text: String?, _ output: inout [UInt8]) {
        if let text {
            JSONValue.writeString(text, into: &output)
        } else {
            output.append(contentsOf: "null".utf8)
        }
    }
}
