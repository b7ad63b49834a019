/// The metadata of one simulated instance, with the lookups the data paths need.
public struct SimulatorMetadata: Sendable {
    public internal(set) var organisationUnits: [OrganisationUnit] = []
    public internal(set) var categoryOptions: [CategoryOption] = []
    public internal(set) var categories: [Category] = []
    public internal(set) var categoryCombos: [CategoryCombo] = []
    public internal(set) var categoryOptionCombos: [CategoryOptionCombo] = []
    public internal(set) var dataElements: [DataElement] = []
    public internal(set) var dataSets: [DataSet] = []
    public internal(set) var attributes: [MetadataAttribute] = []
    public internal(set) var organisationUnitGroups: [OrganisationUnitGroup] = []

    /// Index of the `default` category combo and option combo.
    public internal(set) var defaultCategoryCombo = 0
    public internal(set) var defaultOptionCombo = 0

    private(set) var orgUnitIndex = IdentifierIndex([])
    private(set) var optionComboIndex = IdentifierIndex([])
    private(set) var comboIndex = IdentifierIndex([])
    private(set) var dataElementIndex = IdentifierIndex([])
    private(set) var dataSetIndex = IdentifierIndex([])
    private(set) var categoryIndex = IdentifierIndex([])
    private(set) var categoryOptionIndex = IdentifierIndex([])
    private(set) var attributeIndex = IdentifierIndex([])
    private(set) var orgUnitGroupIndex = IdentifierIndex([])

    /// Data sets containing each data element.
    public private(set) var dataSetsOfElement: [[Int]] = []
    /// For each org unit, the data sets assigned to it.
    private(set) var dataSetsOfOrgUnit: [[Int]] = []

    /// Builds the lookup tables; call after the arrays are final.
    mutating func index() {
        orgUnitIndex = IdentifierIndex(organisationUnits.map(\.identity))
        optionComboIndex = IdentifierIndex(categoryOptionCombos.map(\.identity))
        comboIndex = IdentifierIndex(categoryCombos.map(\.identity))
        dataElementIndex = IdentifierIndex(dataElements.map(\.identity))
        dataSetIndex = IdentifierIndex(dataSets.map(\.identity))
        categoryIndex = IdentifierIndex(categories.map(\.identity))
        categoryOptionIndex = IdentifierIndex(categoryOptions.map(\.identity))
        attributeIndex = IdentifierIndex(attributes.map(\.identity))
        orgUnitGroupIndex = IdentifierIndex(organisationUnitGroups.map(\.identity))
        dataSetsOfElement = Array(repeating: [], count: dataElements.count)
        dataSetsOfOrgUnit = Array(repeating: [], count: organisationUnits.count)
        for (setIndex, dataSet) in dataSets.enumerated() {
            for element in dataSet.elements where !dataSetsOfElement[element.dataElement].contains(setIndex) {
                dataSetsOfElement[element.dataElement].append(setIndex)
            }
            for unit in dataSet.organisationUnits {
                dataSetsOfOrgUnit[unit].append(setIndex)
            }
        }
    }

    func orgUnit(_ identifier: String, _ scheme: IdScheme) -> Int? { orgUnitIndex.find(identifier, scheme) }
    func optionCombo(_ identifier: String, _ scheme: IdScheme) -> Int? { optionComboIndex.find(identifier, scheme) }
    func categoryCombo(_ identifier: String, _ scheme: IdScheme) -> Int? { comboIndex.find(identifier, scheme) }
    func dataElement(_ identifier: String, _ scheme: IdScheme) -> Int? { dataElementIndex.find(identifier, scheme) }
    func dataSet(_ identifier: String, _ scheme: IdScheme) -> Int? { dataSetIndex.find(identifier, scheme) }
    func category(_ identifier: String, _ scheme: IdScheme) -> Int? { categoryIndex.find(identifier, scheme) }
    func categoryOption(_ identifier: String, _ scheme: IdScheme) -> Int? {
        categoryOptionIndex.find(identifier, scheme)
    }
    func attribute(_ identifier: String) -> Int? { attributeIndex.find(identifier, .uid) }
    func orgUnitGroup(_ identifier: String, _ scheme: IdScheme) -> Int? { orgUnitGroupIndex.find(identifier, scheme) }

    /// Whether `unit` lies in the subtree rooted at `root` (itself included): DHIS2's `path LIKE 'root%'`.
    func isInSubtree(_ unit: Int, of root: Int) -> Bool {
        unit >= root && unit < organisationUnits[root].subtreeEnd
    }

    /// The option combos a value of `dataElement` may use: its own combo's, plus overriding combos of its
    /// data sets.
    func allowedOptionCombos(of dataElement: Int) -> Set<Int> {
        var combos: Set<Int> = [dataElements[dataElement].categoryCombo]
        for setIndex in dataSetsOfElement[dataElement] {
            for element in dataSets[setIndex].elements where element.dataElement == dataElement {
                if let override = element.categoryCombo { combos.insert(override) }
            }
        }
        return Set(combos.flatMap { categoryCombos[$0].optionCombos })
    }

    /// Sorts org units depth-first (parents before children, siblings by name) and fills in `path`, `level`
    /// and `subtreeEnd`; every index held elsewhere is remapped. Loaded exports come in arbitrary order.
    mutating func normaliseHierarchy() {
        let count = organisationUnits.count
        var children = Array(repeating: [Int](), count: count)
        var roots: [Int] = []
        for (index, unit) in organisationUnits.enumerated() {
            if let parent = unit.parent, parent < count {
                children[parent].append(index)
            } else {
                roots.append(index)
            }
        }
        let byName: (Int, Int) -> Bool = {
            self.organisationUnits[$0].identity.name < self.organisationUnits[$1].identity.name
        }
        var order: [Int] = []
        order.reserveCapacity(count)
        var stack = roots.sorted(by: byName).reversed().map { $0 }
        while let next = stack.popLast() {
            order.append(next)
            stack.append(contentsOf: children[next].sorted(by: byName).reversed())
        }
        var newIndex = Array(repeating: 0, count: count)
        for (position, old) in order.enumerated() { newIndex[old] = position }
        var sorted: [OrganisationUnit] = order.map { organisationUnits[$0] }
        for position in sorted.indices {
            if let parent = sorted[position].parent { sorted[position].parent = newIndex[parent] }
            if let parent = sorted[position].parent {
                sorted[position].path = sorted[parent].path + "/" + sorted[position].identity.id
                sorted[position].level = sorted[parent].level + 1
            } else {
                sorted[position].path = "/" + sorted[position].identity.id
                sorted[position].level = 1
            }
            sorted[position].subtreeEnd = position + 1
        }
        for position in sorted.indices.reversed() {
            if let parent = sorted[position].parent {
                sorted[parent].subtreeEnd = max(sorted[parent].subtreeEnd, sorted[position].subtreeEnd)
            }
        }
        organisationUnits = sorted
        for setIndex in dataSets.indices {
            dataSets[setIndex].organisationUnits = dataSets[setIndex].organisationUnits.map { newIndex[$0] }.sorted()
        }
    }
}
