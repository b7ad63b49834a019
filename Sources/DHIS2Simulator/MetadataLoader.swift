/// Loads a DHIS2 metadata export (`/api/metadata` JSON) as the simulator's metadata.
///
/// Reads category options, categories, category combos and option combos, data elements, data sets,
/// attributes and org units. An export without org units (like dhis2-core's e2e `aggregate/metadata.json`)
/// gets a generated hierarchy, to which every data set is assigned, plus stand-in units for org unit UIDs
/// the data sets name, so payloads written for the export import as they would on the original server.
struct MetadataLoader {
    let seed: UInt64
    let size: SimulatorConfiguration.HierarchySize

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    func load(_ document: JSONValue) throws -> SimulatorMetadata {
        guard document.objectValue != nil else {
            throw LoadError(description: "the metadata file is not a JSON object")
        }
        var metadata = SimulatorMetadata()
        let fallback = Timestamp(daysSinceEpoch: Timestamp.days(year: 2019, month: 1, day: 1)!)

        func identity(_ object: JSONValue) -> Identity? {
            guard let id = object["id"]?.stringValue else { return nil }
            var attributes: [String: String] = [:]
            for entry in object["attributeValues"]?.arrayValue ?? [] {
                if let attribute = entry["attribute"]?["id"]?.stringValue, let value = entry["value"]?.scalarText {
                    attributes[attribute] = value
                }
            }
            let created = object["created"]?.stringValue.flatMap { Timestamp(parsing: $0) } ?? fallback
            return Identity(
                id: id,
                code: object["code"]?.stringValue,
                name: object["name"]?.stringValue ?? id,
                shortName: object["shortName"]?.stringValue,
                created: created,
                lastUpdated: object["lastUpdated"]?.stringValue.flatMap { Timestamp(parsing: $0) },
                attributeValues: attributes
            )
        }
        func objects(_ key: String) -> [(JSONValue, Identity)] {
            (document[key]?.arrayValue ?? []).compactMap { object in identity(object).map { (object, $0) } }
        }
        func refs(_ object: JSONValue, _ key: String) -> [String] {
            (object[key]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        }

        for (object, identity) in objects("attributes") {
            metadata.attributes.append(
                MetadataAttribute(
                    identity: identity,
                    valueType: object["valueType"]?.stringValue ?? "TEXT",
                    unique: object["unique"]?.boolValue ?? false
                )
            )
        }
        for (_, identity) in objects("categoryOptions") {
            metadata.categoryOptions.append(CategoryOption(identity: identity))
        }
        var optionIndex = Dictionary(
            metadata.categoryOptions.enumerated().map { ($1.identity.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for (object, identity) in objects("categories") {
            metadata.categories.append(
                Category(
                    identity: identity,
                    dataDimensionType: object["dataDimensionType"]?.stringValue ?? "DISAGGREGATION",
                    options: refs(object, "categoryOptions").compactMap { optionIndex[$0] }
                )
            )
        }
        let categoryIndex = Dictionary(
            metadata.categories.enumerated().map { ($1.identity.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for (object, identity) in objects("categoryCombos") {
            metadata.categoryCombos.append(
                CategoryCombo(
                    identity: identity,
                    dataDimensionType: object["dataDimensionType"]?.stringValue ?? "DISAGGREGATION",
                    categories: refs(object, "categories").compactMap { categoryIndex[$0] },
                    optionCombos: []
                )
            )
        }
        var comboIndex = Dictionary(
            metadata.categoryCombos.enumerated().map { ($1.identity.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        // The default objects exist on every DHIS2 database even when an export leaves them out.
        if comboIndex["bjDvmb4bfuf"] == nil {
            let option = metadata.categoryOptions.count
            metadata.categoryOptions.append(
                CategoryOption(
                    identity: Identity(id: "xYerKDKCefk", code: "default", name: "default", created: fallback)
                )
            )
            optionIndex["xYerKDKCefk"] = option
            metadata.categories.append(
                Category(
                    identity: Identity(id: "GLevLNI9wkl", code: "default", name: "default", created: fallback),
                    dataDimensionType: "DISAGGREGATION",
                    options: [option]
                )
            )
            comboIndex["bjDvmb4bfuf"] = metadata.categoryCombos.count
            metadata.categoryCombos.append(
                CategoryCombo(
                    identity: Identity(id: "bjDvmb4bfuf", code: "default", name: "default", created: fallback),
                    dataDimensionType: "DISAGGREGATION",
                    categories: [metadata.categories.count - 1],
                    optionCombos: []
                )
            )
        }
        let defaultCombo = comboIndex["bjDvmb4bfuf"]!
        var sawDefaultOptionCombo = false
        for (object, identity) in objects("categoryOptionCombos") {
            guard let combo = object["categoryCombo"]?["id"]?.stringValue.flatMap({ comboIndex[$0] }) else { continue }
            if identity.id == "HllvX50cXC0" { sawDefaultOptionCombo = true }
            metadata.categoryOptionCombos.append(
                CategoryOptionCombo(
                    identity: identity,
                    categoryCombo: combo,
                    options: refs(object, "categoryOptions").compactMap { optionIndex[$0] }
                )
            )
            metadata.categoryCombos[combo].optionCombos.append(metadata.categoryOptionCombos.count - 1)
        }
        if !sawDefaultOptionCombo {
            metadata.categoryOptionCombos.append(
                CategoryOptionCombo(
                    identity: Identity(id: "HllvX50cXC0", code: "default", name: "default", created: fallback),
                    categoryCombo: defaultCombo,
                    options: metadata.categories.first { $0.identity.id == "GLevLNI9wkl" }?.options ?? []
                )
            )
            metadata.categoryCombos[defaultCombo].optionCombos.append(metadata.categoryOptionCombos.count - 1)
        }
        metadata.defaultCategoryCombo = defaultCombo
        metadata.defaultOptionCombo = metadata.categoryOptionCombos.firstIndex { $0.identity.id == "HllvX50cXC0" }!

        for (object, identity) in objects("dataElements") {
            if let domain = object["domainType"]?.stringValue, domain != "AGGREGATE" { continue }
            let combo = object["categoryCombo"]?["id"]?.stringValue.flatMap { comboIndex[$0] } ?? defaultCombo
            metadata.dataElements.append(
                DataElement(
                    identity: identity,
                    valueType: object["valueType"]?.stringValue ?? "NUMBER",
                    categoryCombo: combo,
                    zeroIsSignificant: object["zeroIsSignificant"]?.boolValue ?? false,
                    aggregationType: object["aggregationType"]?.stringValue ?? "SUM"
                )
            )
        }
        let elementIndex = Dictionary(
            metadata.dataElements.enumerated().map { ($1.identity.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )

        // Org units: from the file, or generated.
        let fileUnits = objects("organisationUnits")
        var unitIndex: [String: Int] = [:]
        var generatedFacilities: [Int] = []
        if fileUnits.isEmpty {
            let generated = MetadataGenerator(seed: seed, size: size).generate()
            metadata.organisationUnits = generated.organisationUnits
            generatedFacilities = metadata.organisationUnits.indices.filter {
                metadata.organisationUnits[$0].level == 4
            }
        } else {
            for (_, identity) in fileUnits {
                unitIndex[identity.id] = metadata.organisationUnits.count
                metadata.organisationUnits.append(
                    OrganisationUnit(
                        identity: identity,
                        level: 0,
                        parent: nil,
                        path: "",
                        openingDate: fallback,
                        subtreeEnd: 0
                    )
                )
            }
            for (position, (object, _)) in fileUnits.enumerated() {
                metadata.organisationUnits[position].parent = object["parent"]?["id"]?.stringValue.flatMap {
                    unitIndex[$0]
                }
                if let opening = object["openingDate"]?.stringValue.flatMap({ Timestamp(parsing: $0) }) {
                    metadata.organisationUnits[position].openingDate = opening
                }
            }
        }
        for (index, unit) in metadata.organisationUnits.enumerated() { unitIndex[unit.identity.id] = index }

        for (object, identity) in objects("dataSets") {
            var units: [Int] = []
            for id in refs(object, "organisationUnits") {
                if let index = unitIndex[id] {
                    units.append(index)
                } else if fileUnits.isEmpty {
                    // A stand-in under the generated root, so the fixture's org unit UIDs resolve.
                    unitIndex[id] = metadata.organisationUnits.count
                    units.append(metadata.organisationUnits.count)
                    metadata.organisationUnits.append(
                        OrganisationUnit(
                            identity: Identity(id: id, name: "Org unit \(id)", created: fallback),
                            level: 2,
                            parent: 0,
                            path: "",
                            openingDate: fallback,
                            subtreeEnd: 0
                        )
                    )
                }
            }
            let elements: [DataSet.Element] = (object["dataSetElements"]?.arrayValue ?? []).compactMap { entry in
                guard let element = entry["dataElement"]?["id"]?.stringValue.flatMap({ elementIndex[$0] }) else {
                    return nil
                }
                let override = entry["categoryCombo"]?["id"]?.stringValue.flatMap { comboIndex[$0] }
                return DataSet.Element(
                    dataElement: element,
                    categoryCombo: override == metadata.dataElements[element].categoryCombo ? nil : override
                )
            }
            metadata.dataSets.append(
                DataSet(
                    identity: identity,
                    periodType: object["periodType"]?.stringValue ?? "Monthly",
                    categoryCombo: object["categoryCombo"]?["id"]?.stringValue.flatMap { comboIndex[$0] }
                        ?? defaultCombo,
                    elements: elements,
                    organisationUnits: Array(Set(units + generatedFacilities)).sorted(),
                    openFuturePeriods: object["openFuturePeriods"]?.intValue ?? 0,
                    expiryDays: object["expiryDays"]?.intValue ?? 0,
                    timelyDays: object["timelyDays"]?.intValue ?? 15
                )
            )
        }
        metadata.normaliseHierarchy()
        metadata.generateOrgUnitGroups(seed: seed)
        metadata.index()
        return metadata
    }
}
