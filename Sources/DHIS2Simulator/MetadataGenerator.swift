/// Generates a realistic metadata set from a seed: same seed and size, same UIDs, codes and names. Codes
/// depend only on the size, so differently seeded instances share them while their UIDs differ.
struct MetadataGenerator {
    let seed: UInt64
    let size: SimulatorConfiguration.HierarchySize

    /// UID of the metadata attribute carried by data elements and most org units (`ATTRIBUTE:` id schemes).
    static let syncKeyAttributeCodePrefix = "SK_"

    func generate() -> SimulatorMetadata {
        var metadata = SimulatorMetadata()
        var uids = SplitMix64.stream(seed: seed, label: "uids")
        var clock = SplitMix64.stream(seed: seed, label: "timestamps")
        // Metadata predates the data: created somewhere in 2019, edited in 2020.
        let base = Timestamp(daysSinceEpoch: Timestamp.days(year: 2019, month: 1, day: 10)!)
        func stamp() -> Timestamp {
            Timestamp(milliseconds: base.milliseconds + Int64(clock.below(365 * 86_400_000)))
        }
        func identity(_ name: String, code: String?, shortName: String? = nil, id: String? = nil) -> Identity {
            let created = stamp()
            return Identity(
                id: id ?? UID.generate(using: &uids),
                code: code,
                name: name,
                shortName: shortName ?? String(name.prefix(50)),
                created: created,
                lastUpdated: Timestamp(milliseconds: created.milliseconds + 400 * 86_400_000)
            )
        }

        let syncKey = MetadataAttribute(
            identity: identity("Sync key", code: "SYNC_KEY"),
            valueType: "TEXT",
            unique: true
        )
        metadata.attributes = [syncKey]
        let syncKeyID = syncKey.identity.id

        // Categories. The default objects carry the UIDs recent DHIS2 databases use.
        func option(_ name: String, _ code: String, id: String? = nil) -> Int {
            metadata.categoryOptions.append(CategoryOption(identity: identity(name, code: code, id: id)))
            return metadata.categoryOptions.count - 1
        }
        func category(_ name: String, _ code: String, _ options: [Int], id: String? = nil) -> Int {
            metadata.categories.append(
                Category(
                    identity: identity(name, code: code, id: id),
                    dataDimensionType: "DISAGGREGATION",
                    options: options
                )
            )
            return metadata.categories.count - 1
        }
        let defaultOption = option("default", "default", id: "xYerKDKCefk")
        let defaultCategory = category("default", "default", [defaultOption], id: "GLevLNI9wkl")
        let sex = category("Sex", "SEX", [option("Male", "MALE"), option("Female", "FEMALE")])
        let age = category(
            "Age group",
            "AGE",
            [option("<5y", "AGE_LT5"), option("5-14y", "AGE_5_14"), option("15y+", "AGE_15P")]
        )
        let location = category("Location", "LOCATION", [option("Fixed", "FIXED"), option("Outreach", "OUTREACH")])

        func combo(_ name: String, _ code: String, _ categories: [Int], id: String? = nil, cocIDs: [String] = []) -> Int
        {
            let comboIndex = metadata.categoryCombos.count
            metadata.categoryCombos.append(
                CategoryCombo(
                    identity: identity(name, code: code, id: id),
                    dataDimensionType: "DISAGGREGATION",
                    categories: categories,
                    optionCombos: []
                )
            )
            // The cartesian product of the categories' options, first category varying slowest.
            var products: [[Int]] = [[]]
            for categoryIndex in categories {
                products = products.flatMap { prefix in metadata.categories[categoryIndex].options.map { prefix + [$0] }
                }
            }
            for (position, options) in products.enumerated() {
                let name = options.map { metadata.categoryOptions[$0].identity.name }.joined(separator: ", ")
                var cocIdentity = identity(name, code: nil, id: position < cocIDs.count ? cocIDs[position] : nil)
                cocIdentity.shortName = nil
                // Codes come from the options' codes, never the seed: differently seeded instances share them
                // (CODE id schemes and `mapping suggest` between them).
                cocIdentity.code =
                    categories == [defaultCategory]
                    ? "default"
                    : options.compactMap { metadata.categoryOptions[$0].identity.code }.joined(separator: "_")
                metadata.categoryOptionCombos.append(
                    CategoryOptionCombo(identity: cocIdentity, categoryCombo: comboIndex, options: options)
                )
                metadata.categoryCombos[comboIndex].optionCombos.append(metadata.categoryOptionCombos.count - 1)
            }
            return comboIndex
        }
        let defaultCombo = combo("default", "default", [defaultCategory], id: "bjDvmb4bfuf", cocIDs: ["HllvX50cXC0"])
        let sexAge = combo("Sex and age", "SEX_AGE", [sex, age])
        let locationCombo = combo("Location Fixed/Outreach", "LOCATION", [location])
        metadata.defaultCategoryCombo = defaultCombo
        metadata.defaultOptionCombo = metadata.categoryCombos[defaultCombo].optionCombos[0]

        // Data elements.
        func element(_ name: String, _ code: String, _ valueType: String, _ comboIndex: Int, zero: Bool = true) -> Int {
            var elementIdentity = identity(name, code: code)
            elementIdentity.attributeValues[syncKeyID] = MetadataGenerator.syncKeyAttributeCodePrefix + code
            metadata.dataElements.append(
                DataElement(
                    identity: elementIdentity,
                    valueType: valueType,
                    categoryCombo: comboIndex,
                    zeroIsSignificant: zero,
                    aggregationType: ["TEXT", "BOOLEAN"].contains(valueType) ? "NONE" : "SUM"
                )
            )
            return metadata.dataElements.count - 1
        }
        let anc1 = element("ANC 1st visit", "DE_ANC1", "INTEGER_ZERO_OR_POSITIVE", defaultCombo, zero: false)
        let anc4 = element("ANC 4th or more visits", "DE_ANC4", "INTEGER_ZERO_OR_POSITIVE", defaultCombo, zero: false)
        let bedOccupancy = element("Bed occupancy rate", "DE_BED_OCC", "PERCENTAGE", defaultCombo)
        let orsStock = element("Stock on hand ORS", "DE_ORS_SOH", "NUMBER", defaultCombo)
        let remarks = element("Facility reporting remarks", "DE_REMARKS", "TEXT", defaultCombo)
        let coldChain = element("Cold chain functional", "DE_COLD_CHAIN", "BOOLEAN", defaultCombo)
        let malariaCases = element("Malaria cases confirmed", "DE_MAL_CONF", "INTEGER_POSITIVE", sexAge)
        let malariaDeaths = element("Malaria deaths", "DE_MAL_DEATH", "INTEGER_ZERO_OR_POSITIVE", sexAge)
        let measles = element("Measles doses given", "DE_MEASLES", "INTEGER", locationCombo, zero: false)
        let bcg = element("BCG doses given", "DE_BCG", "INTEGER_ZERO_OR_POSITIVE", locationCombo, zero: false)
        let cholera = element("Cholera suspected cases", "DE_CHOLERA", "INTEGER_ZERO_OR_POSITIVE", defaultCombo)
        let afp = element("Acute flaccid paralysis cases", "DE_AFP", "INTEGER_ZERO_OR_POSITIVE", defaultCombo)
        let supervision = element("Supervision visits", "DE_SUPERVISION", "INTEGER_ZERO_OR_POSITIVE", defaultCombo)
        let population = element("Catchment population", "DE_POP", "INTEGER_POSITIVE", defaultCombo)
        let budget = element("Health budget spent", "DE_BUDGET", "NUMBER", defaultCombo)

        // Org units first: data sets reference them.
        generateHierarchy(into: &metadata, identity: identity, syncKey: syncKeyID)
        let facilities = metadata.organisationUnits.indices.filter { metadata.organisationUnits[$0].level == 4 }

        func dataSet(_ name: String, _ code: String, _ periodType: String, _ elements: [Int], future: Int = 0) {
            metadata.dataSets.append(
                DataSet(
                    identity: identity(name, code: code),
                    periodType: periodType,
                    categoryCombo: defaultCombo,
                    elements: elements.map { DataSet.Element(dataElement: $0, categoryCombo: nil) },
                    organisationUnits: facilities,
                    openFuturePeriods: future,
                    expiryDays: 0,
                    timelyDays: 15
                )
            )
        }
        dataSet("Cholera daily surveillance", "DS_CHOLERA_DAILY", "Daily", [cholera])
        dataSet("IDSR weekly", "DS_IDSR_WEEKLY", "Weekly", [afp])
        dataSet(
            "Reproductive health monthly",
            "DS_RH_MONTHLY",
            "Monthly",
            [anc1, anc4, bedOccupancy, orsStock, remarks, coldChain]
        )
        dataSet("Morbidity and mortality monthly", "DS_MORB_MONTHLY", "Monthly", [malariaCases, malariaDeaths])
        dataSet("Immunisation monthly", "DS_EPI_MONTHLY", "Monthly", [measles, bcg])
        // ANC 1st visit also belongs here: a data element in two data sets (2.43's E8002 case).
        dataSet("Facility quality quarterly", "DS_QUALITY_QUARTERLY", "Quarterly", [supervision, anc1])
        dataSet("Population yearly", "DS_POP_YEARLY", "Yearly", [population], future: 1)
        dataSet("Health financing July", "DS_FIN_JULY", "FinancialJuly", [budget])

        metadata.generateOrgUnitGroups(seed: seed)
        metadata.index()
        return metadata
    }

    /// Country → regions → districts → facilities, names drawn from syllables so they read like places.
    private func generateHierarchy(
        into metadata: inout SimulatorMetadata,
        identity: (String, String?, String?, String?) -> Identity,
        syncKey: String
    ) {
        var names = SplitMix64.stream(seed: seed, label: "names")
        var used: Set<String> = []
        func placeName() -> String {
            let starts = [
                "Ka", "Bo", "Ma", "Ke", "Lu", "Pe", "Ta", "Ngo", "Si", "Ro", "Mo", "Fa", "Gba", "Ku", "Da", "Wa",
            ]
            let middles = ["la", "ne", "ri", "mba", "to", "si", "ka", "lo", "wu", "ye", "ra", "nde", "bi", "go"]
            let ends = ["", "ma", "hun", "ra", "ni", "ta", "ko", "lu", "wa", "bu"]
            // Large hierarchies exhaust the syllable space; a number keeps names unique (NAME id schemes).
            for _ in 0..<20 {
                let name =
                    starts[names.below(starts.count)] + middles[names.below(middles.count)]
                    + ends[names.below(ends.count)]
                if used.insert(name).inserted { return name }
            }
            let fallback = starts[names.below(starts.count)] + middles[names.below(middles.count)] + " \(used.count)"
            used.insert(fallback)
            return fallback
        }
        let facilityKinds = ["CHC", "MCHP", "CHP", "Hospital", "Clinic"]
        var sequence = 0
        func add(_ name: String, level: Int, parent: Int?) -> Int {
            sequence += 1
            let code = "OU_\(sequence)"
            var unitIdentity = identity(name, code, String(name.prefix(50)), nil)
            // Every tenth facility lacks the attribute so ATTRIBUTE id schemes export some nulls.
            if level < 4 || sequence % 10 != 0 { unitIdentity.attributeValues[syncKey] = "SK_" + code }
            let path = (parent.map { metadata.organisationUnits[$0].path } ?? "") + "/" + unitIdentity.id
            let index = metadata.organisationUnits.count
            metadata.organisationUnits.append(
                OrganisationUnit(
                    identity: unitIdentity,
                    level: level,
                    parent: parent,
                    path: path,
                    openingDate: Timestamp(daysSinceEpoch: Timestamp.days(year: 1970, month: 1, day: 1)!),
                    subtreeEnd: index + 1
                )
            )
            return index
        }
        let country = add("Simland", level: 1, parent: nil)
        let directions = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Highland", "Lake"]
        for regionNumber in 0..<size.regions {
            let regionName =
                regionNumber < directions.count
                ? "\(directions[regionNumber]) Province" : "\(placeName()) Province"
            let region = add(regionName, level: 2, parent: country)
            for _ in 0..<size.districtsPerRegion {
                let district = add("\(placeName()) District", level: 3, parent: region)
                for _ in 0..<size.facilitiesPerDistrict {
                    let kind = facilityKinds[names.below(facilityKinds.count)]
                    _ = add("\(placeName()) \(kind)", level: 4, parent: district)
                }
            }
        }
        // Depth-first insertion already holds; fill the subtree ends bottom-up.
        for index in metadata.organisationUnits.indices.reversed() {
            if let parent = metadata.organisationUnits[index].parent {
                metadata.organisationUnits[parent].subtreeEnd = max(
                    metadata.organisationUnits[parent].subtreeEnd,
                    metadata.organisationUnits[index].subtreeEnd
                )
            }
        }
    }
}
