import DHIS2

/// The aggregate metadata of one instance that decides whether its values can be imported: data sets with
/// their members and entry rules, data elements, category combos and option combos, org units.
///
/// Read once per check, indexed by UID and by code, so the checks are lookups.
public struct MetadataSnapshot: Sendable {
    public var dataSets: [String: DataSetMembers] = [:]
    public var dataElements: [String: DataElement] = [:]
    public var categoryCombos: [String: CategoryCombo] = [:]
    public var optionCombos: [String: CategoryOptionCombo] = [:]
    public var orgUnits: [String: OrganisationUnit] = [:]

    /// Objects by code, per kind; codes are unique per kind in DHIS2.
    private(set) var byCode: [ValueTranslator.Kind: [String: String]] = [:]

    public init(
        dataSets: [DataSetMembers],
        dataElements: [DataElement],
        categoryCombos: [CategoryCombo],
        optionCombos: [CategoryOptionCombo],
        orgUnits: [OrganisationUnit]
    ) {
        // Later duplicates win; DHIS2 never returns one UID twice in a list.
        self.dataSets = Dictionary(dataSets.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        self.dataElements = Dictionary(dataElements.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        self.categoryCombos = Dictionary(categoryCombos.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        self.optionCombos = Dictionary(optionCombos.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        self.orgUnits = Dictionary(orgUnits.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        func codes(_ pairs: [(String?, String)]) -> [String: String] {
            Dictionary(pairs.compactMap { code, id in code.map { ($0, id) } }, uniquingKeysWith: { first, _ in first })
        }
        let comboCodes = codes(optionCombos.map { ($0.code, $0.id) })
        byCode = [
            .dataSet: codes(dataSets.map { ($0.code, $0.id) }),
            .dataElement: codes(dataElements.map { ($0.code, $0.id) }),
            .categoryOptionCombo: comboCodes,
            .attributeOptionCombo: comboCodes,
            .orgUnit: codes(orgUnits.map { ($0.code, $0.id) }),
        ]
    }

    /// Reads an instance's snapshot through the shared client (five paged lists).
    public static func read(from client: DHIS2Client) async throws(DHIS2Error) -> MetadataSnapshot {
        MetadataSnapshot(
            dataSets: try await client.dataSetMembers(),
            dataElements: try await client.dataElements(),
            categoryCombos: try await client.categoryCombos(),
            optionCombos: try await client.categoryOptionCombos(),
            orgUnits: try await client.allOrganisationUnits()
        )
    }

    /// Whether an object of this kind has this UID here.
    func contains(_ kind: ValueTranslator.Kind, uid: String) -> Bool {
        switch kind {
        case .dataSet: dataSets[uid] != nil
        case .dataElement: dataElements[uid] != nil
        case .categoryOptionCombo, .attributeOptionCombo: optionCombos[uid] != nil
        case .orgUnit: orgUnits[uid] != nil
        }
    }

    /// The UID of the object of this kind with this code, if any.
    func uid(_ kind: ValueTranslator.Kind, code: String) -> String? {
        byCode[kind]?[code]
    }

    /// A readable name for an object: "Name (uid)", or the UID alone when unknown here.
    func label(_ kind: ValueTranslator.Kind, _ uid: String) -> String {
        let name: String? =
            switch kind {
            case .dataSet: dataSets[uid]?.name
            case .dataElement: dataElements[uid]?.name
            case .categoryOptionCombo, .attributeOptionCombo: optionCombos[uid]?.name
            case .orgUnit: orgUnits[uid]?.name
            }
        return name.map { "\($0) (\(uid))" } ?? uid
    }

    /// The code of an object of this kind, if it has one.
    func code(_ kind: ValueTranslator.Kind, _ uid: String) -> String? {
        switch kind {
        case .dataSet: dataSets[uid]?.code
        case .dataElement: dataElements[uid]?.code
        case .categoryOptionCombo, .attributeOptionCombo: optionCombos[uid]?.code
        case .orgUnit: orgUnits[uid]?.code
        }
    }

    /// The option combos a data element takes values for in a data set (the data set's override of its
    /// combo, else its own).
    func optionCombos(of element: String, in dataSet: DataSetMembers?) -> Set<String> {
        let override = dataSet?.dataSetElements.first { $0.dataElement.id == element }?.categoryCombo?.id
        guard let combo = override ?? dataElements[element]?.categoryCombo?.id else { return [] }
        return Set(categoryCombos[combo]?.categoryOptionCombos?.map(\.id) ?? [])
    }

    /// The attribute option combos of a data set (its attribute combo's option combos).
    func attributeOptionCombos(of dataSet: DataSetMembers) -> Set<String> {
        guard let combo = dataSet.categoryCombo?.id else { return [] }
        return Set(categoryCombos[combo]?.categoryOptionCombos?.map(\.id) ?? [])
    }
}
