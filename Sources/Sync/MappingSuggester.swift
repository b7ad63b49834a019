import DHIS2

/// Proposes id mappings for a pair by matching source and destination metadata: by UID, then code, then name.
public struct MappingSuggester: Sendable {
    /// A metadata object as matching sees it.
    public struct Object: Sendable, Hashable {
        public var id: String
        public var code: String?
        public var name: String

        public init(id: String, code: String?, name: String) {
            self.id = id
            self.code = code
            self.name = name
        }
    }

    /// What matching found for one kind.
    public struct Result: Sendable, Hashable {
        public var kind: ValueTranslator.Kind
        public var proposals: [MappingStore.Mapping] = []
        /// Source objects with no match (or, under the CODE scheme, without a code on either side).
        public var unmatched: [Object] = []
    }

    public init() {}

    /// Matches one kind. A code or name that several destination objects share matches none of them:
    /// a guess between two is worse than no proposal. Ids are written in the pair's scheme.
    public static func match(
        _ kind: ValueTranslator.Kind,
        source: [Object],
        destination: [Object],
        scheme: Pair.IDScheme
    ) -> Result {
        func unique(_ key: (Object) -> String?) -> [String: Object] {
            var found: [String: Object] = [:]
            var shared = Set<String>()
            for object in destination {
                guard let value = key(object), !value.isEmpty else { continue }
                if found.updateValue(object, forKey: value) != nil { shared.insert(value) }
            }
            for value in shared { found[value] = nil }
            return found
        }
        let byID = unique(\.id)
        let byCode = unique(\.code)
        let byName = unique { $0.name.lowercased() }
        var result = Result(kind: kind)
        for object in source {
            let match: (Object, MappingStore.Mapping.MatchedBy)?
            if let found = byID[object.id] {
                match = (found, .uid)
            } else if let code = object.code, let found = byCode[code] {
                match = (found, .code)
            } else if let found = byName[object.name.lowercased()] {
                match = (found, .name)
            } else {
                match = nil
            }
            let wire: (Object) -> String? = scheme == .code ? { $0.code } : { $0.id }
            guard let (found, how) = match, let sourceID = wire(object), let destinationID = wire(found) else {
                result.unmatched.append(object)
                continue
            }
            result.proposals.append(
                MappingStore.Mapping(
                    kind: kind,
                    sourceID: sourceID,
                    destinationID: destinationID,
                    status: .proposed,
                    matchedBy: how
                )
            )
        }
        return result
    }

    /// Reads both sides' data elements, option combos, org units (the pair's level and below, where
    /// its data lives) and data sets, and matches each kind.
    public func suggest(_ pair: Pair, source: DHIS2Client, destination: DHIS2Client) async throws -> [Result] {
        let sides = try await (Self.objects(pair, source), Self.objects(pair, destination))
        return ValueTranslator.Kind.allCases.map { kind in
            Self.match(kind, source: sides.0[kind] ?? [], destination: sides.1[kind] ?? [], scheme: pair.idScheme)
        }
    }

    private static func objects(_ pair: Pair, _ client: DHIS2Client) async throws -> [ValueTranslator.Kind: [Object]] {
        var objects: [ValueTranslator.Kind: [Object]] = [:]
        objects[.dataElement] = try await client.dataElements().map { Object(id: $0.id, code: $0.code, name: $0.name) }
        objects[.dataSet] = try await client.dataSets().map { Object(id: $0.id, code: $0.code, name: $0.name) }
        // Values name the org units they were entered for, below the level a pair reads at.
        var units: [Object] = []
        for level in pair.orgUnitLevel...10 {
            let found = try await client.organisationUnits(level: level, under: pair.rootOrgUnits)
            if found.isEmpty { break }
            units += found.map { Object(id: $0.id, code: $0.code, name: $0.name) }
        }
        objects[.orgUnit] = units
        // Combos of attribute combos are AOCs; the default combo's one option combo serves as both.
        let combos = try await client.categoryCombos()
        let attributeCombos = Set(combos.filter { $0.dataDimensionType == "ATTRIBUTE" }.map(\.id))
        let defaultCombos = Set(combos.filter { $0.name == "default" }.map(\.id))
        for combo in try await client.categoryOptionCombos() {
            let object = Object(id: combo.id, code: combo.code, name: combo.name)
            let comboID = combo.categoryCombo?.id ?? ""
            if !attributeCombos.contains(comboID) { objects[.categoryOptionCombo, default: []].append(object) }
            if attributeCombos.contains(comboID) || defaultCombos.contains(comboID) {
                objects[.attributeOptionCombo, default: []].append(object)
            }
        }
        return objects
    }
}
