import DHIS2Periods
import JSONStream

extension ImportProcessor {
    /// The constraint checks that follow value validation, in DataValueSetImportValidator's order: the
    /// `strict*`/`require*` options (E7630–E7637), then the attribute option combo and data set rules
    /// (E7638–E7644, see ImportProcessor+DataSetRules).
    mutating func checkConstraints(
        _ value: DataValue,
        _ constraints: Constraints,
        index: Int,
        today: CalendarDate
    ) -> Bool {
        let element = metadata.dataElements[constraints.element]
        let elementUID = element.identity.id
        let dataSets = metadata.dataSetsOfElement[constraints.element]
        if options.requireCategoryOptionCombo && value.categoryOptionCombo == nil {
            summary.conflict(
                index: index,
                "E7630",
                "Category option combo is required but is not specified",
                objects: [],
                property: "categoryOptionCombo"
            )
            return false
        }
        if options.requireAttributeOptionCombo && value.attributeOptionCombo == nil && headerAttributeCombo == nil {
            summary.conflict(
                index: index,
                "E7631",
                "Attribute option combo is required but is not specified",
                objects: [],
                property: "attributeOptionCombo"
            )
            return false
        }
        let period = constraints.period
        if options.strictPeriods
            && !dataSets.contains(where: { metadata.dataSets[$0].periodType == period.type.rawValue })
        {
            summary.conflict(
                index: index,
                "E7632",
                "Period type of period: `\(period.id)` not valid for data element: `\(elementUID)`",
                objects: [("period", period.id), ("dataElement", elementUID)],
                property: nil
            )
            return false
        }
        if options.strictDataElements, let dataSet = headerDataSet, !dataSets.contains(dataSet) {
            let setUID = metadata.dataSets[dataSet].identity.id
            summary.conflict(
                index: index,
                "E7633",
                "Data element: `\(elementUID)` is not part of dataset: `\(setUID)`",
                objects: [("dataElement", elementUID), ("dataSet", setUID)],
                property: "dataElement"
            )
            return false
        }
        if options.strictCategoryOptionCombos
            && !metadata.allowedOptionCombos(of: constraints.element).contains(constraints.optionCombo)
        {
            let comboUID = metadata.categoryOptionCombos[constraints.optionCombo].identity.id
            summary.conflict(
                index: index,
                "E7634",
                "Category option combo: `\(comboUID)` must be part of category combo of data element: `\(elementUID)`",
                objects: [("categoryOptionCombo", comboUID), ("dataElement", elementUID)],
                property: "categoryOptionCombo"
            )
            return false
        }
        if options.strictAttributeOptionCombos {
            let allowed = dataSets.flatMap { metadata.categoryCombos[metadata.dataSets[$0].categoryCombo].optionCombos }
            if !allowed.contains(constraints.attributeCombo) {
                let comboUID = metadata.categoryOptionCombos[constraints.attributeCombo].identity.id
                summary.conflict(
                    index: index,
                    "E7635",
                    "Attribute option combo: `\(comboUID)` must be part of category combo of data sets of data element: `\(elementUID)`",
                    objects: [("categoryOptionCombo", comboUID), ("dataElement", elementUID)],
                    property: "attributeOptionCombo"
                )
                return false
            }
        }
        if options.strictOrganisationUnits
            && !dataSets.contains(where: { metadata.dataSets[$0].organisationUnits.contains(constraints.unit) })
        {
            let unitUID = metadata.organisationUnits[constraints.unit].identity.id
            summary.conflict(
                index: index,
                "E7636",
                "Data element: `\(elementUID)` must be assigned through data sets to organisation unit: `\(unitUID)`",
                objects: [("organisationUnit", unitUID), ("dataElement", elementUID)],
                property: "orgUnit"
            )
            return false
        }
        if let storedBy = value.storedBy, storedBy.count > 255 {
            summary.conflict(
                index: index,
                "E7637",
                "Invalid storedBy: stored_by_length_greater_than_max_length",
                objects: [("storedBy", "stored_by_length_greater_than_max_length")],
                property: "storedBy"
            )
            return false
        }
        guard checkAttributeComboRules(constraints, index: index),
            checkExpiry(constraints, index: index)
        else { return false }
        // 2.43 lets superusers skip the open-future-periods check (dhis2w #139); the simulated user is one by default.
        if !version.usesDataEntryRewrite && !forceDataInput && !dataSets.isEmpty {
            var latest: Period?
            for setIndex in dataSets {
                guard let type = PeriodType(rawValue: metadata.dataSets[setIndex].periodType) else { continue }
                var open = type.period(containing: today)
                for _ in 0..<max(0, metadata.dataSets[setIndex].openFuturePeriods) { open = open.next }
                if latest.map({ open.end > $0.end }) ?? true { latest = open }
            }
            if let latest, period.start > latest.end {
                summary.conflict(
                    index: index,
                    "E7641",
                    "Period: `\(period.id)` is after latest open future period: `\(latest.id)` for data element: `\(elementUID)`",
                    objects: [("period", period.id), ("dataElement", elementUID)],
                    property: "period"
                )
                return false
            }
        }
        return checkApproval(constraints, index: index) && checkInputPeriods(constraints, index: index)
    }
}
