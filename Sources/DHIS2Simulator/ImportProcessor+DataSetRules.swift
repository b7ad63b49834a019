import DHIS2Periods

extension ImportProcessor {
    /// `force` bypasses the data set rules only for a superuser (ImportContext.isForceDataInput).
    var forceDataInput: Bool { options.force && rules.superuser }

    /// The data sets a value is checked against: the header's, else every data set of its data element
    /// (ImportContext.getTargetDataSets).
    func targetDataSets(_ element: Int) -> [Int] {
        headerDataSet == nil ? metadata.dataSetsOfElement[element] : headerDataSetList
    }

    /// Applies a rule to the target data sets (checkDataValueTargetDataSets): one passing data set is enough
    /// unless `strict`, when all must pass; `force` skips the rule. On failure every failing data set is a
    /// conflict of its own (`describe` gives its message and objects from the data set's UID); false then.
    mutating func checkTargets(
        _ value: Constraints,
        index: Int,
        strict: Bool,
        passes: (Int) -> Bool,
        _ errorCode: String,
        property: String?,
        describe: (String) -> (message: String, objects: [(String, String)])
    ) -> Bool {
        if forceDataInput { return true }
        let targets = targetDataSets(value.element)
        var failures = 0
        for setIndex in targets where !passes(setIndex) { failures += 1 }
        if failures == 0 || (!strict && failures < targets.count) { return true }
        for (position, setIndex) in targets.filter({ !passes($0) }).enumerated() {
            let conflict = describe(metadata.dataSets[setIndex].identity.id)
            summary.conflict(
                index: index,
                errorCode,
                conflict.message,
                objects: conflict.objects,
                property: property,
                countsValue: position == 0
            )
        }
        return false
    }

    /// E7638 (period outside the attribute option combo's category option dates) and E7639 (org unit not
    /// among its category options' org units).
    mutating func checkAttributeComboRules(_ value: Constraints, index: Int) -> Bool {
        if !rules.comboWindows.isEmpty, let window = rules.comboWindows[value.attributeCombo] {
            let outside =
                window.start.map { $0 > value.period.end.daysSinceEpoch } ?? false
                || window.end.map { $0 < value.period.start.daysSinceEpoch } ?? false
            if outside {
                summary.conflict(
                    index: index,
                    "E7638",
                    "Period: `\(value.periodID)` is not within date range of attribute option combo: `\(value.attributeID)`",
                    objects: [("period", value.periodID), ("categoryOptionCombo", value.attributeID)],
                    property: "period"
                )
                return false
            }
        }
        if !rules.comboOrgUnits.isEmpty {
            let constrained = rules.comboOrgUnits[value.attributeCombo]
            let valid = constrained.allSatisfy { roots in
                roots.contains { metadata.isInSubtree(value.unit, of: $0) }
            }
            if !valid {
                summary.conflict(
                    index: index,
                    "E7639",
                    "Organisation unit: `\(value.unitID)` is not valid for attribute option combo: `\(value.attributeID)`",
                    objects: [("organisationUnit", value.unitID), ("categoryOptionCombo", value.attributeID)],
                    property: "orgUnit"
                )
                return false
            }
        }
        return true
    }

    /// E7640: a non-superuser cannot write a period past its data set's expiry days.
    mutating func checkExpiry(_ value: Constraints, index: Int) -> Bool {
        guard !rules.superuser else { return true }
        let (rules, today) = (self.rules, now.daysSinceEpoch)
        return checkTargets(
            value,
            index: index,
            strict: options.strictDataSetLocking,
            passes: { !rules.expired(dataSet: $0, period: value.period, today: today) },
            "E7640",
            property: "period",
            describe: { setUID in
                (
                    "Current date is past expiry days for period: `\(value.periodID)`  and data set: `\(setUID)`",
                    [("period", value.periodID), ("dataSet", setUID)]
                )
            }
        )
    }

    /// E7642: no value under an approval of the data set at the org unit or above it.
    mutating func checkApproval(_ value: Constraints, index: Int) -> Bool {
        guard !approvals.isEmpty else { return true }
        let periodID = value.period.id
        let (approvals, metadata) = (self.approvals, self.metadata)
        return checkTargets(
            value,
            index: index,
            strict: options.strictDataSetApproval,
            passes: {
                !Self.isApproved(
                    approvals,
                    metadata,
                    dataSet: $0,
                    period: periodID,
                    unit: value.unit,
                    combo: value.attributeCombo
                )
            },
            "E7642",
            property: nil,
            describe: { setUID in
                (
                    "Data already approved for data set: `\(setUID)` period: `\(value.periodID)` org unit: `\(value.unitID)` attribute option combo: `\(value.attributeID)`",
                    [
                        ("organisationUnit", value.unitID), ("period", value.periodID),
                        ("categoryOptionCombo", value.attributeID), ("dataSet", setUID),
                    ]
                )
            }
        )
    }

    /// Approved at `unit` or an ancestor: an approval above a unit covers it (DataApprovalService.isApproved).
    private static func isApproved(
        _ approvals: Set<ApprovalStore.Key>,
        _ metadata: SimulatorMetadata,
        dataSet: Int,
        period: String,
        unit: Int,
        combo: Int
    ) -> Bool {
        var current: Int? = unit
        while let node = current {
            let key = ApprovalStore.Key(dataSet: dataSet, period: period, orgUnit: node, attributeOptionCombo: combo)
            if approvals.contains(key) { return true }
            current = metadata.organisationUnits[node].parent
        }
        return false
    }

    /// E7643 (period not open in a target data set's input periods) and E7644 (no data set of the data
    /// element has it open).
    mutating func checkInputPeriods(_ value: Constraints, index: Int) -> Bool {
        guard !rules.inputPeriods.isEmpty else { return true }
        let today = now.daysSinceEpoch
        let rules = self.rules
        let open = checkTargets(
            value,
            index: index,
            strict: options.strictDataSetInputPeriods,
            passes: { rules.inputAllowed(dataSet: $0, period: value.period, today: today) },
            "E7643",
            property: "period",
            describe: { setUID in
                (
                    "Period: `\(value.periodID)` is not open for this data set at this time: `\(setUID)`",
                    [("period", value.periodID), ("dataSet", setUID)]
                )
            }
        )
        guard open else { return false }
        // DataElement.isDataInputAllowedForPeriodAndDate: any of its data sets, whatever the header names.
        let sets = metadata.dataSetsOfElement[value.element]
        if !forceDataInput && !sets.isEmpty
            && !sets.contains(where: { rules.inputAllowed(dataSet: $0, period: value.period, today: today) })
        {
            summary.conflict(
                index: index,
                "E7644",
                "Period: `\(value.periodID)` does not conform to the open periods of associated data sets",
                objects: [("period", value.periodID)],
                property: "period"
            )
            return false
        }
        return true
    }
}
