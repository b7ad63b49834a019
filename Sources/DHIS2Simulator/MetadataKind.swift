/// The metadata collections the simulator serves under `/api/<collection>`.
enum MetadataKind: String, CaseIterable, Sendable {
    case organisationUnits
    case dataSets
    case dataElements
    case categoryOptionCombos
    case categoryCombos
    case categories
    case categoryOptions
    case attributes

    /// Java class name used in "X with id Y could not be found." messages.
    var className: String {
        switch self {
        case .organisationUnits: "OrganisationUnit"
        case .dataSets: "DataSet"
        case .dataElements: "DataElement"
        case .categoryOptionCombos: "CategoryOptionCombo"
        case .categoryCombos: "CategoryCombo"
        case .categories: "Category"
        case .categoryOptions: "CategoryOption"
        case .attributes: "Attribute"
        }
    }
}

/// A metadata object as a property tree whose references can be expanded by `fields=ref[...]`.
indirect enum MetadataNodeValue: Sendable {
    case value(JSONValue)
    case reference(MetadataKind, Int)
    case references(MetadataKind, [Int])
    /// Embedded objects that are not metadata themselves (e.g. `dataSetElements`).
    case embedded([[(String, MetadataNodeValue)]])
}

extension SimulatorMetadata {
    func count(of kind: MetadataKind) -> Int {
        switch kind {
        case .organisationUnits: organisationUnits.count
        case .dataSets: dataSets.count
        case .dataElements: dataElements.count
        case .categoryOptionCombos: categoryOptionCombos.count
        case .categoryCombos: categoryCombos.count
        case .categories: categories.count
        case .categoryOptions: categoryOptions.count
        case .attributes: attributes.count
        }
    }

    func identity(_ kind: MetadataKind, _ index: Int) -> Identity {
        switch kind {
        case .organisationUnits: organisationUnits[index].identity
        case .dataSets: dataSets[index].identity
        case .dataElements: dataElements[index].identity
        case .categoryOptionCombos: categoryOptionCombos[index].identity
        case .categoryCombos: categoryCombos[index].identity
        case .categories: categories[index].identity
        case .categoryOptions: categoryOptions[index].identity
        case .attributes: attributes[index].identity
        }
    }

    func find(_ kind: MetadataKind, uid: String) -> Int? {
        switch kind {
        case .organisationUnits: orgUnit(uid, .uid)
        case .dataSets: dataSet(uid, .uid)
        case .dataElements: dataElement(uid, .uid)
        case .categoryOptionCombos: optionCombo(uid, .uid)
        case .categoryCombos: categoryCombo(uid, .uid)
        case .categories: category(uid, .uid)
        case .categoryOptions: categoryOption(uid, .uid)
        case .attributes: attribute(uid)
        }
    }

    /// Every property of the object, in the order DHIS2's `fields=*` renders the common ones.
    func properties(_ kind: MetadataKind, _ index: Int) -> [(String, MetadataNodeValue)] {
        let identity = identity(kind, index)
        var properties: [(String, MetadataNodeValue)] = []
        if let code = identity.code { properties.append(("code", .value(.string(code)))) }
        properties.append(("lastUpdated", .value(.string(identity.lastUpdated.isoNoZone))))
        properties.append(("id", .value(.string(identity.id))))
        properties.append(("created", .value(.string(identity.created.isoNoZone))))
        properties.append(("name", .value(.string(identity.name))))
        if let shortName = identity.shortName { properties.append(("shortName", .value(.string(shortName)))) }
        properties.append(("displayName", .value(.string(identity.name))))
        switch kind {
        case .organisationUnits:
            let unit = organisationUnits[index]
            properties.append(("path", .value(.string(unit.path))))
            properties.append(("level", .value(.int(unit.level))))
            properties.append(("openingDate", .value(.string(unit.openingDate.isoNoZone))))
            if let parent = unit.parent { properties.append(("parent", .reference(.organisationUnits, parent))) }
            var children: [Int] = []
            var child = index + 1
            while child < unit.subtreeEnd {
                children.append(child)
                child = organisationUnits[child].subtreeEnd
            }
            properties.append(("children", .references(.organisationUnits, children)))
            properties.append(("dataSets", .references(.dataSets, dataSetsOfOrgUnit[index])))
        case .dataSets:
            let dataSet = dataSets[index]
            properties.append(("periodType", .value(.string(dataSet.periodType))))
            properties.append(("openFuturePeriods", .value(.int(dataSet.openFuturePeriods))))
            properties.append(("expiryDays", .value(.int(dataSet.expiryDays))))
            properties.append(("timelyDays", .value(.int(dataSet.timelyDays))))
            properties.append(("categoryCombo", .reference(.categoryCombos, dataSet.categoryCombo)))
            let elements: [[(String, MetadataNodeValue)]] = dataSet.elements.map { element in
                var entry: [(String, MetadataNodeValue)] = [
                    ("dataSet", .reference(.dataSets, index)),
                    ("dataElement", .reference(.dataElements, element.dataElement)),
                ]
                if let combo = element.categoryCombo {
                    entry.append(("categoryCombo", .reference(.categoryCombos, combo)))
                }
                return entry
            }
            properties.append(("dataSetElements", .embedded(elements)))
            properties.append(("organisationUnits", .references(.organisationUnits, dataSet.organisationUnits)))
            properties.append(("dataInputPeriods", .embedded([])))
        case .dataElements:
            let element = dataElements[index]
            properties.append(("valueType", .value(.string(element.valueType))))
            properties.append(("domainType", .value(.string("AGGREGATE"))))
            properties.append(("aggregationType", .value(.string(element.aggregationType))))
            properties.append(("zeroIsSignificant", .value(.bool(element.zeroIsSignificant))))
            properties.append(("categoryCombo", .reference(.categoryCombos, element.categoryCombo)))
            properties.append(
                (
                    "dataSetElements",
                    .embedded(dataSetsOfElement[index].map { [("dataSet", .reference(.dataSets, $0))] })
                )
            )
        case .categoryOptionCombos:
            let combo = categoryOptionCombos[index]
            properties.append(("ignoreApproval", .value(.bool(false))))
            properties.append(("categoryCombo", .reference(.categoryCombos, combo.categoryCombo)))
            properties.append(("categoryOptions", .references(.categoryOptions, combo.options)))
        case .categoryCombos:
            let combo = categoryCombos[index]
            properties.append(("dataDimensionType", .value(.string(combo.dataDimensionType))))
            properties.append(("skipTotal", .value(.bool(false))))
            properties.append(("isDefault", .value(.bool(index == defaultCategoryCombo))))
            properties.append(("categories", .references(.categories, combo.categories)))
            properties.append(("categoryOptionCombos", .references(.categoryOptionCombos, combo.optionCombos)))
        case .categories:
            let category = categories[index]
            properties.append(("dataDimensionType", .value(.string(category.dataDimensionType))))
            properties.append(("categoryOptions", .references(.categoryOptions, category.options)))
        case .categoryOptions:
            break
        case .attributes:
            let attribute = attributes[index]
            properties.append(("valueType", .value(.string(attribute.valueType))))
            properties.append(("unique", .value(.bool(attribute.unique))))
            properties.append(("dataElementAttribute", .value(.bool(true))))
            properties.append(("organisationUnitAttribute", .value(.bool(true))))
        }
        let attributeValues: [JSONValue] = identity.attributeValues.sorted { $0.key < $1.key }.map { entry in
            .object([
                JSONMember("attribute", .object([JSONMember("id", .string(entry.key))])),
                JSONMember("value", .string(entry.value)),
            ])
        }
        properties.append(("attributeValues", .value(.array(attributeValues))))
        return properties
    }
}
