import DHIS2

/// The aggregate metadata of one instance that decides whether its values can be imported: data sets with
/// their members and entry rules, data elements, category combos and option combos, org units.
///
/// Read once per check, indexed by UID and by code, so the checks are lookups.
public struct MetadataSnapshot: Sendable {
    public private(set) var dataSets: [String: DataSetMembers] = [:]
    public private(set) var dataElements: [String: DataElement] = [:]
    public private(set) var categoryCombos: [String: CategoryCombo] = [:]
    public private(set) var optionCombos: [String: CategoryOptionCombo] = [:]
    public private(set) var orgUnits: [String: OrganisationUnit] = [:]

    /// What names an object, per kind and UID; codes are unique per kind in DHIS2.
    private struct Names {
        var byUID: [String: (name: String, code: String?)] = [:]
        var byCode: [String: String] = [:]

        init(_ objects: [(id: String, name: String, code: String?)]) {
            for object in objects {
                byUID[object.id] = (object.name, object.code)
                if let code = object.code, byCode[code] == nil { byCode[code] = object.id }
            }
        }
    }

    private var names: [ValueTranslator.Kind: Names] = [:]

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
        let combos = Names(optionCombos.map { ($0.id, $0.name, $0.code) })
        names = [
            .dataSet: Names(dataSets.map { ($0.id, $0.name, $0.code) }),
            .dataElement: Names(dataElements.map { ($0.id, $0.name, $0.code) }),
            .categoryOptionCombo: combos,
            .attributeOptionCombo: combos,
            .orgUnit: Names(orgUnits.map { ($0.id, $0.name, $0.code) }),
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
        names[kind]?.byUID[uid] != nil
    }

    /// The UID of the object of this kind with this code, if any.
    func uid(_ kind: ValueTranslator.Kind, code: String) -> String? {
        names[kind]?.byCode[code]
    }

    /// A readable name for an object: "Name (uid)", or the UID alone when unknown here.
    func label(_ kind: ValueTranslator.Kind, _ uid: String) -> String {
        names[kind]?.byUID[uid].map { "\($0.name) (\(uid))" } ?? uid
    }

    /// The code of an object of this kind, if it has one.
    func code(_ kind: ValueTranslator.Kind, _ uid: String) -> String? {
        names[kind]?.byUID[uid]?.code
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
