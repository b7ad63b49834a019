import DHIS2Periods
import JSONStream

/// Applies DHIS2's per-value import rules (reference §2.3, §2.8) to batches of decoded values.
///
/// Pure with respect to HTTP: the route feeds batches and renders the summary. Writes go to the overlay of the
/// store under its lock, one batch at a time, so a streamed import never holds the payload in memory.
struct ImportProcessor: Sendable {
    let store: DataStore
    let options: ImportOptions
    let version: ServerVersion
    let username: String
    let now: Timestamp
    /// Data elements this instance pretends not to have (`SimulatorConfiguration.missingDataElements`).
    var missingDataElements: Set<Int> = []
    /// The user's write access and the data entry rules (`SimulatorCore.importRules`).
    var rules = ImportRules()
    /// Approvals at the start of the import (E7642).
    var approvals: Set<ApprovalStore.Key> = []
    var summary = ImportSummary()
    private var headerChecked = false
    private(set) var headerDataSet: Int?
    /// `[headerDataSet]`, built once: the target data sets of every value when the header names one.
    private(set) var headerDataSetList: [Int] = []
    private var headerOrgUnit: Int?
    private(set) var headerAttributeCombo: Int?
    private var nextIndex = 0

    init(store: DataStore, options: ImportOptions, version: ServerVersion, username: String, now: Timestamp) {
        self.store = store
        self.options = options
        self.version = version
        self.username = username
        self.now = now
        metadata = store.metadata
    }

    /// Held once: reading `store.metadata` copies the struct (and retains its arrays) on every access.
    let metadata: SimulatorMetadata
    /// Parsed periods by id; payloads repeat a handful of periods many times.
    private var periodCache: [String: Period] = [:]

    /// Checks the header fields (data set, org unit, attribute option combo); false when the import aborts.
    mutating func checkHeader(_ header: DataValueSetHeader) -> Bool {
        if summary.aborted { return false }
        if headerChecked { return true }
        headerChecked = true
        if let id = header.dataSet {
            if let dataSet = metadata.dataSet(id, options.dataSetIdScheme) {
                headerDataSet = dataSet
                headerDataSetList = [dataSet]
                if rules.unwritableDataSets.contains(dataSet) {
                    summary.abort(
                        "E7601",
                        "User does not have write access for DataSet: `\(id)`",
                        objects: [("dataSet", id)],
                        property: "dataSet"
                    )
                }
            } else {
                summary.abort(
                    "E7600",
                    "Data set not found or not accessible: `\(id)`",
                    objects: [("dataSet", id)],
                    property: "dataSet"
                )
            }
        }
        // Every header rule runs and reports; any of them aborts the import (abortDataSetImport).
        if let id = header.orgUnit {
            if let unit = metadata.orgUnit(id, options.orgUnitIdScheme) {
                headerOrgUnit = unit
            } else {
                summary.abort(
                    "E7603",
                    "Org unit not found or not accessible: `\(id)`",
                    objects: [("organisationUnit", id)] + (header.dataSet.map { [("dataSet", $0)] } ?? []),
                    property: "orgUnit"
                )
            }
        }
        if let id = header.attributeOptionCombo {
            if let combo = metadata.optionCombo(id, options.attributeOptionComboIdScheme) {
                headerAttributeCombo = combo
            } else {
                summary.abort(
                    "E7604",
                    "Attribute option combo not found or not accessible: `\(id)`",
                    objects: [("categoryOptionCombo", id)] + (header.dataSet.map { [("dataSet", $0)] } ?? []),
                    property: "attributeOptionCombo"
                )
            }
        }
        return !summary.aborted
    }

    /// 2.43 refuses a payload without a top-level data set when a data element belongs to several (E8002).
    mutating func checkDataSetDetection(_ values: [DataValue], header: DataValueSetHeader) -> Bool {
        guard version.usesDataEntryRewrite, header.dataSet == nil else { return true }
        for value in values {
            guard let id = value.dataElement, let element = metadata.dataElement(id, options.dataElementIdScheme),
                metadata.dataSetsOfElement[element].count > 1
            else { continue }
            let sets = metadata.dataSetsOfElement[element].map { metadata.dataSets[$0].identity.id }
            summary.abort(
                "E8002",
                "Data set detection failed, found multiple sets: \(sets.joined(separator: ", "))",
                objects: [("dataElement", id)],
                property: "dataSet"
            )
            return false
        }
        return true
    }

    /// Processes a batch of values, in payload order, under one lock.
    mutating func process(_ values: [DataValue], header: DataValueSetHeader) {
        guard checkHeader(header) else { return }
        let today = CalendarDate(daysSinceEpoch: now.daysSinceEpoch)
        if options.dryRun {
            let state = store.snapshot()
            var scratch = state
            for value in values { processOne(value, header: header, today: today, state: &scratch, write: false) }
            return
        }
        store.withState { state in
            for value in values { processOne(value, header: header, today: today, state: &state, write: true) }
        }
    }

    /// Registers completeness when the header names a data set, period and org unit with a `completeDate`.
    mutating func finish(header: DataValueSetHeader) {
        guard !summary.aborted, summary.failure == nil else { return }
        guard let completeDate = header.completeDate, completeDate.lowercased() != "false",
            let dataSet = headerDataSet, let unit = headerOrgUnit,
            let periodID = header.period, let period = Period.parse(periodID, on: version)
        else { return }
        var date = completeDate.lowercased() == "true" ? now : (Timestamp(parsing: completeDate) ?? now)
        if date > now { date = now }  // future completion dates are clamped to today
        summary.dataSetComplete = date.dateOnly
        if options.dryRun { return }
        let attributeCombo = headerAttributeCombo ?? metadata.defaultOptionCombo
        store.withState { state in
            let periodIndex = state.periods.intern(period)
            state.completeness[
                DataStore.CompletenessKey(
                    dataSet: Int32(dataSet),
                    period: periodIndex,
                    orgUnit: Int32(unit),
                    attributeOptionCombo: Int32(attributeCombo)
                )
            ] = date
        }
    }

    // MARK: - One value

    struct Constraints {
        var element: Int
        var period: Period
        var unit: Int
        var optionCombo: Int
        var attributeCombo: Int
        /// The ids as the payload gave them, which conflicts name.
        var periodID: String
        var unitID: String
        var attributeID: String
    }

    private struct Resolved {
        var dataElement: Int
        var period: Period
        var orgUnit: Int
        var optionCombo: Int
        var attributeOptionCombo: Int
    }

    private mutating func processOne(
        _ value: DataValue,
        header: DataValueSetHeader,
        today: CalendarDate,
        state: inout DataStore.State,
        write: Bool
    ) {
        let index = nextIndex
        nextIndex += 1
        guard let resolved = resolve(value, header: header, index: index, today: today) else { return }
        let periodIndex = state.periods.intern(resolved.period)
        let key = ValueKey(
            dataElement: Int32(resolved.dataElement),
            period: periodIndex,
            orgUnit: Int32(resolved.orgUnit),
            optionCombo: Int32(resolved.optionCombo),
            attributeOptionCombo: Int32(resolved.attributeOptionCombo)
        )
        let element = metadata.dataElements[resolved.dataElement]
        let existing = store.row(at: key, in: state)
        let live = existing.flatMap { $0.deleted ? nil : $0 }
        let text = value.value.flatMap { $0.isEmpty ? nil : $0 }
        let zeroInsignificant = !element.zeroIsSignificant && text.map(ValueImportMath.isZero) == true
        let rewrite = version.usesDataEntryRewrite
        let storedBy = value.storedBy.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } ?? username

        func put(_ row: StoredValue) {
            guard write else { return }
            state.write(key, row, shadowsPristine: store.pristineKey(key) != nil)
        }
        func softDelete(_ row: StoredValue) {
            var row = row
            row.deleted = true
            row.lastUpdated = now
            row.storedBy = storedBy
            put(row)
        }
        func created(_ payload: String?) -> Timestamp {
            guard !version.ignoresPayloadTimestamps, let payload, let parsed = Timestamp(parsing: payload) else {
                return now
            }
            return parsed
        }

        if let live {
            switch options.strategy {
            case .delete:
                softDelete(live)
                summary.deleted += 1
            case .create where !rewrite:
                // 2.41/2.42: CREATE on an existing value is ignored without a conflict (dhis2w #84).
                summary.ignored += 1
                summary.rejectedIndexes.append(index)
            case .createAndUpdate, .update, .create:
                if value.deleted == true || zeroInsignificant {
                    softDelete(live)
                    if rewrite { summary.updated += 1 } else { summary.deleted += 1 }
                    return
                }
                let followup = value.followup ?? live.followup
                if live.value == text && live.comment == value.comment && live.followup == followup {
                    summary.ignored += 1
                    return
                }
                var row = live
                row.value = text
                row.comment = value.comment
                row.followup = followup
                row.storedBy = storedBy
                row.lastUpdated =
                    version.ignoresPayloadTimestamps ? now : value.lastUpdated.flatMap { Timestamp(parsing: $0) } ?? now
                put(row)
                summary.updated += 1
            }
            return
        }

        // No row, or only a soft-deleted one.
        switch options.strategy {
        case .update:
            summary.ignored += 1
        case .delete:
            if rewrite {
                // 2.43 materialises a tombstone carrying the payload's value (dhis2w #87).
                let stamp = created(nil)
                put(
                    StoredValue(
                        value: text,
                        storedBy: storedBy,
                        created: stamp,
                        lastUpdated: stamp,
                        comment: value.comment,
                        followup: value.followup ?? false,
                        deleted: true
                    )
                )
                summary.deleted += 1
            } else {
                summary.ignored += 1
            }
        case .create, .createAndUpdate:
            if zeroInsignificant {
                summary.ignored += 1
                return
            }
            let createdAt = created(value.created)
            put(
                StoredValue(
                    value: text,
                    storedBy: storedBy,
                    created: createdAt,
                    lastUpdated: version.ignoresPayloadTimestamps
                        ? now : value.lastUpdated.flatMap { Timestamp(parsing: $0) } ?? createdAt,
                    comment: value.comment,
                    followup: value.followup ?? false,
                    // Written as a soft-deleted row when the payload says so (saveDataValueCreate ignores the flag
                    // for counting).
                    deleted: value.deleted == true
                )
            )
            if rewrite { summary.updated += 1 } else { summary.imported += 1 }
        }
    }

    /// Resolves and validates in DataValueSetImportValidator's order; records the first failure as a conflict.
    private mutating func resolve(
        _ value: DataValue,
        header: DataValueSetHeader,
        index: Int,
        today: CalendarDate
    )
        -> Resolved?
    {
        let elementID = value.dataElement ?? "null"
        guard let element = value.dataElement.flatMap({ metadata.dataElement($0, options.dataElementIdScheme) }),
            !missingDataElements.contains(element)
        else {
            summary.conflict(
                index: index,
                "E7610",
                "Data element not found or not accessible: `\(elementID)`",
                objects: [("dataElement", elementID)],
                property: "dataElement"
            )
            return nil
        }
        let periodID = value.period ?? header.period ?? "null"
        let cached = periodCache[periodID]
        guard let period = cached ?? Period.parse(periodID, on: version) else {
            summary.conflict(
                index: index,
                "E7611",
                "Period not valid: `\(periodID)`",
                objects: [("period", periodID)],
                property: "period"
            )
            return nil
        }
        if cached == nil && periodCache.count < 10_000 { periodCache[periodID] = period }
        let unitID = value.orgUnit ?? header.orgUnit ?? "null"
        guard let unit = metadata.orgUnit(unitID, options.orgUnitIdScheme) else {
            summary.conflict(
                index: index,
                "E7612",
                "Organisation unit not found or not accessible: `\(unitID)`",
                objects: [("organisationUnit", unitID)],
                property: "orgUnit"
            )
            return nil
        }
        var optionCombo = metadata.defaultOptionCombo
        if let id = value.categoryOptionCombo {
            guard let combo = metadata.optionCombo(id, options.optionComboIdScheme) else {
                summary.conflict(
                    index: index,
                    "E7613",
                    "Category option combo not found or not accessible for writing data: `\(id)`",
                    objects: [("categoryOptionCombo", id)],
                    property: "categoryOptionCombo"
                )
                return nil
            }
            optionCombo = combo
            guard checkOptionAccess(combo, id: id, attribute: false, index: index) else { return nil }
        }
        var attributeCombo = headerAttributeCombo ?? metadata.defaultOptionCombo
        if let id = value.attributeOptionCombo {
            guard let combo = metadata.optionCombo(id, options.attributeOptionComboIdScheme) else {
                summary.conflict(
                    index: index,
                    "E7615",
                    "Attribute option combo not found or not accessible for writing data: `\(id)`",
                    objects: [("categoryOptionCombo", id)],
                    property: "attributeOptionCombo"
                )
                return nil
            }
            attributeCombo = combo
        }
        if value.attributeOptionCombo != nil || headerAttributeCombo != nil {
            let id = value.attributeOptionCombo ?? header.attributeOptionCombo ?? ""
            guard checkOptionAccess(attributeCombo, id: id, attribute: true, index: index) else { return nil }
        }
        guard checkCaptureHierarchy(unit, id: unitID, index: index) else { return nil }
        let elementUID = metadata.dataElements[element].identity.id
        let text = value.value.flatMap { $0.isEmpty ? nil : $0 }
        let comment = value.comment.flatMap { $0.isEmpty ? nil : $0 }
        if text == nil && comment == nil && value.deleted != true && options.strategy != .delete {
            if version.usesDataEntryRewrite {
                summary.conflict(
                    index: index,
                    "E8120",
                    "Value #\(index) value is required",
                    objects: [("dataElement", elementUID)],
                    property: "value"
                )
            } else {
                summary.conflict(
                    index: index,
                    "E7618",
                    "Data value or comment not specified for data element: `\(elementUID)`",
                    objects: [("dataElement", elementUID)],
                    property: "value"
                )
            }
            return nil
        }
        if let text, options.strategy != .delete,
            let problem = ValueTypeValidation.problem(text, valueType: metadata.dataElements[element].valueType)
        {
            summary.conflict(
                index: index,
                "E7619",
                "Value must match data element's `\(elementUID)` type constraints: \(problem)",
                objects: [("dataElement", elementUID)],
                property: "value"
            )
            return nil
        }
        if let comment, comment.count > ValueTypeValidation.maxCommentLength {
            summary.conflict(
                index: index,
                "E7620",
                "Invalid comment: comment_length_greater_than_max_length",
                // An i18n key is filed under the conflict's property (ImportConflict.createConflict).
                objects: [("comment", "comment_length_greater_than_max_length")],
                property: "comment"
            )
            return nil
        }
        guard checkOption(text, element: element, index: index) else { return nil }
        let constraints = Constraints(
            element: element,
            period: period,
            unit: unit,
            optionCombo: optionCombo,
            attributeCombo: attributeCombo,
            periodID: periodID,
            unitID: unitID,
            attributeID: value.attributeOptionCombo ?? header.attributeOptionCombo
                ?? metadata.categoryOptionCombos[attributeCombo].identity.id
        )
        guard checkConstraints(value, constraints, index: index, today: today) else { return nil }
        return Resolved(
            dataElement: element,
            period: period,
            orgUnit: unit,
            optionCombo: optionCombo,
            attributeOptionCombo: attributeCombo
        )
    }
}

/// Numeric helpers for the zero-is-significant rule.
enum ValueImportMath {
    static func isZero(_ text: String) -> Bool {
        ValueTypeValidation.isNumeric(text) && Double(text) == 0
    }
}
