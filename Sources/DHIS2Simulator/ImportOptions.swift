/// The `ImportOptions` of a data value import (reference §2.2), as parsed from the query and echoed back in
/// the import summary.
struct ImportOptions: Sendable {
    enum Strategy: String, Sendable {
        case createAndUpdate = "CREATE_AND_UPDATE"
        case create = "CREATE"
        case update = "UPDATE"
        case delete = "DELETE"

        /// Accepts the current names and the legacy aliases `ImportOptions.setStrategy` maps.
        init?(parameter: String) {
            switch parameter.uppercased() {
            case "CREATE_AND_UPDATE", "NEW_AND_UPDATES", "SYNC": self = .createAndUpdate
            case "CREATE", "NEW": self = .create
            case "UPDATE", "UPDATES": self = .update
            case "DELETE", "DELETES": self = .delete
            default: return nil
            }
        }
    }

    var strategy = Strategy.createAndUpdate
    var dryRun = false
    var async = false
    var skipAudit = false
    var skipExistingCheck = false
    var force = false
    var generalScheme: IdScheme?
    var dataElementScheme: IdScheme?
    var orgUnitScheme: IdScheme?
    var optionComboScheme: IdScheme?
    var attributeOptionComboScheme: IdScheme?
    var dataSetScheme: IdScheme?
    var strictPeriods = false
    var strictDataElements = false
    var strictCategoryOptionCombos = false
    var strictAttributeOptionCombos = false
    var strictOrganisationUnits = false
    /// All target data sets (not just one) must pass the approval, locking and input period rules.
    var strictDataSetApproval = false
    var strictDataSetLocking = false
    var strictDataSetInputPeriods = false
    var requireCategoryOptionCombo = false
    var requireAttributeOptionCombo = false

    var dataElementIdScheme: IdScheme { dataElementScheme ?? generalScheme ?? .uid }
    var orgUnitIdScheme: IdScheme { orgUnitScheme ?? generalScheme ?? .uid }
    var optionComboIdScheme: IdScheme { optionComboScheme ?? generalScheme ?? .uid }
    var attributeOptionComboIdScheme: IdScheme { attributeOptionComboScheme ?? generalScheme ?? .uid }
    var dataSetIdScheme: IdScheme { dataSetScheme ?? generalScheme ?? .uid }

    /// Parses the query; a bad enum value answers 400 as Spring's binder does.
    static func parse(_ query: QueryParameters) -> Result<ImportOptions, WebMessage> {
        var options = ImportOptions()
        if let text = query["importStrategy"] ?? query["strategy"] {
            guard let strategy = Strategy(parameter: text) else {
                return .failure(.badRequest("Value '\(text)' is not valid for parameter importStrategy"))
            }
            options.strategy = strategy
        }
        let flags: [(String, WritableKeyPath<ImportOptions, Bool>)] = [
            ("dryRun", \.dryRun), ("async", \.async), ("skipAudit", \.skipAudit),
            ("skipExistingCheck", \.skipExistingCheck), ("force", \.force), ("strictPeriods", \.strictPeriods),
            ("strictDataElements", \.strictDataElements),
            ("strictCategoryOptionCombos", \.strictCategoryOptionCombos),
            ("strictAttributeOptionCombos", \.strictAttributeOptionCombos),
            ("strictOrganisationUnits", \.strictOrganisationUnits),
            ("strictDataSetApproval", \.strictDataSetApproval), ("strictDataSetLocking", \.strictDataSetLocking),
            ("strictDataSetInputPeriods", \.strictDataSetInputPeriods),
            ("requireCategoryOptionCombo", \.requireCategoryOptionCombo),
            ("requireAttributeOptionCombo", \.requireAttributeOptionCombo),
        ]
        for (name, path) in flags where query.contains(name) {
            guard let value = query.flag(name) else {
                return .failure(.badRequest("Value '\(query[name] ?? "")' is not valid for parameter \(name)"))
            }
            options[keyPath: path] = value
        }
        let schemes: [(String, WritableKeyPath<ImportOptions, IdScheme?>)] = [
            ("idScheme", \.generalScheme), ("dataElementIdScheme", \.dataElementScheme),
            ("orgUnitIdScheme", \.orgUnitScheme), ("categoryOptionComboIdScheme", \.optionComboScheme),
            ("attributeOptionComboIdScheme", \.attributeOptionComboScheme), ("dataSetIdScheme", \.dataSetScheme),
        ]
        for (name, path) in schemes {
            guard let text = query[name] else { continue }
            guard let scheme = IdScheme(text) else {
                return .failure(.badRequest("Value '\(text)' is not valid for parameter \(name)"))
            }
            options[keyPath: path] = scheme
        }
        return .success(options)
    }

    /// The `importOptions` echo, keys in `ImportOptions` declaration order (example (a) of reference §2.5).
    var json: JSONValue {
        var idSchemes = JSONObjectBuilder()
        func schemeJSON(_ scheme: IdScheme) -> JSONValue {
            switch scheme {
            case .attribute(let attribute):
                .object([JSONMember("type", .string("ATTRIBUTE")), JSONMember("attribute", .string(attribute))])
            default: .object([JSONMember("type", .string(scheme.description))])
            }
        }
        let named: [(String, IdScheme?)] = [
            ("dataElementIdScheme", dataElementScheme), ("categoryOptionComboIdScheme", optionComboScheme),
            ("categoryOptionIdScheme", nil), ("categoryIdScheme", nil), ("orgUnitIdScheme", orgUnitScheme),
            ("programIdScheme", nil), ("programStageIdScheme", nil), ("trackedEntityIdScheme", nil),
            ("trackedEntityAttributeIdScheme", nil), ("dataSetIdScheme", dataSetScheme),
            ("attributeOptionComboIdScheme", attributeOptionComboScheme), ("idScheme", generalScheme),
        ]
        for case (let key, let scheme?) in named { idSchemes.add(key, schemeJSON(scheme)) }
        var builder = JSONObjectBuilder()
        builder.add("idSchemes", idSchemes.value)
        builder.add("dryRun", dryRun)
        builder.add("async", async)
        builder.add("importStrategy", strategy.rawValue)
        builder.add("mergeMode", "REPLACE")
        builder.add("reportMode", "FULL")
        builder.add("skipExistingCheck", skipExistingCheck)
        builder.add("sharing", false)
        builder.add("skipNotifications", false)
        builder.add("skipAudit", skipAudit)
        builder.add("datasetAllowsPeriods", false)
        builder.add("strictPeriods", strictPeriods)
        builder.add("strictDataElements", strictDataElements)
        builder.add("strictCategoryOptionCombos", strictCategoryOptionCombos)
        builder.add("strictAttributeOptionCombos", strictAttributeOptionCombos)
        builder.add("strictOrganisationUnits", strictOrganisationUnits)
        builder.add("strictDataSetApproval", strictDataSetApproval)
        builder.add("strictDataSetLocking", strictDataSetLocking)
        builder.add("strictDataSetInputPeriods", strictDataSetInputPeriods)
        builder.add("requireCategoryOptionCombo", requireCategoryOptionCombo)
        builder.add("requireAttributeOptionCombo", requireAttributeOptionCombo)
        builder.add("skipPatternValidation", false)
        builder.add("ignoreEmptyCollection", false)
        builder.add("force", force)
        builder.add("firstRowIsHeader", true)
        builder.add("skipLastUpdated", false)
        builder.add("mergeDataValues", false)
        builder.add("skipCache", false)
        return builder.value
    }
}
