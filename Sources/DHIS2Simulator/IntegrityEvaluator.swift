/// Computes the simulator's data integrity results, deterministically from the seed and the metadata.
///
/// Checks about things the simulator models (roots, empty or unassigned data sets, unused combos, the
/// admin's `ALL`) are evaluated for real; the rest pick a seeded handful of objects of their `issuesIdType`,
/// so that reports have content. Types the simulator has no objects of (periods, programs …) find nothing.
struct IntegrityEvaluator {
    struct Issue: Sendable, Hashable {
        var id: String?
        var name: String
        var comment: String?
        var refs: [String]?

        var json: JSONValue {
            var builder = JSONObjectBuilder()
            builder.add("id", id)
            builder.add("name", name)
            builder.add("comment", comment)
            if let refs { builder.add("refs", .array(refs.map { .string($0) })) }
            return builder.value
        }
    }

    struct Outcome: Sendable {
        var issues: [Issue]
        /// Objects of the checked type; nil when the simulator has none (DHIS2's `NULLIF(…, 0)`).
        var population: Int?

        var percentage: Double? {
            guard let population, population > 0 else { return nil }
            return 100 * Double(issues.count) / Double(population)
        }
    }

    let metadata: SimulatorMetadata
    let seed: UInt64
    let userID: String
    let username: String

    func evaluate(_ check: IntegrityCheck) -> Outcome {
        let objects = population(check.issuesIdType)
        let count = objects.isEmpty ? nil : objects.count
        switch check.name {
        case "orgunits_multiple_roots":
            let roots = metadata.organisationUnits.filter { $0.parent == nil }
            return Outcome(issues: roots.count > 1 ? roots.map { issue($0.identity) } : [], population: count)
        case "orgunits_trailing_spaces":
            let units = metadata.organisationUnits.filter { $0.identity.name.hasSuffix(" ") }
            return Outcome(issues: units.map { issue($0.identity) }, population: count)
        case "datasets_empty":
            let sets = metadata.dataSets.filter(\.elements.isEmpty)
            return Outcome(issues: sets.map { issue($0.identity, comment: $0.periodType) }, population: count)
        case "datasets_not_assigned_to_org_units":
            let sets = metadata.dataSets.filter(\.organisationUnits.isEmpty)
            return Outcome(issues: sets.map { issue($0.identity, comment: $0.periodType) }, population: count)
        case "data_elements_without_datasets":
            let elements = metadata.dataElements.indices.filter { metadata.dataSetsOfElement[$0].isEmpty }
            return Outcome(issues: elements.map { issue(metadata.dataElements[$0].identity) }, population: count)
        case "category_combos_unused":
            return Outcome(issues: unusedCombos(), population: count)
        case "categories_no_options":
            let categories = metadata.categories.filter(\.options.isEmpty)
            return Outcome(issues: categories.map { issue($0.identity) }, population: count)
        case "users_with_all_authority":
            return Outcome(issues: [Issue(id: userID, name: username, comment: "ALL")], population: 1)
        default:
            return Outcome(issues: sample(objects, check: check.name), population: count)
        }
    }

    private func issue(_ identity: Identity, comment: String? = nil, refs: [String]? = nil) -> Issue {
        Issue(id: identity.id, name: identity.name, comment: comment, refs: refs)
    }

    /// The objects of a check's `issuesIdType`, as issues (org units refer to their parent).
    private func population(_ type: String?) -> [Issue] {
        switch type {
        case "organisationUnits":
            metadata.organisationUnits.map { unit in
                issue(unit.identity, refs: unit.parent.map { [metadata.organisationUnits[$0].identity.id] })
            }
        case "dataElements":
            metadata.dataElements.indices.map { index in
                issue(
                    metadata.dataElements[index].identity,
                    refs: metadata.dataSetsOfElement[index].map { metadata.dataSets[$0].identity.id }
                )
            }
        case "dataSets": metadata.dataSets.map { issue($0.identity, comment: $0.periodType) }
        case "categoryCombos": metadata.categoryCombos.map { issue($0.identity) }
        case "categoryOptionCombos": metadata.categoryOptionCombos.map { issue($0.identity) }
        case "categories": metadata.categories.map { issue($0.identity) }
        case "categoryOptions": metadata.categoryOptions.map { issue($0.identity) }
        case "users": [Issue(id: userID, name: username)]
        default: []
        }
    }

    /// Combos no data element, data set or data set element override uses (`default` aside).
    private func unusedCombos() -> [Issue] {
        var used: Set<Int> = [metadata.defaultCategoryCombo]
        for element in metadata.dataElements { used.insert(element.categoryCombo) }
        for dataSet in metadata.dataSets {
            used.insert(dataSet.categoryCombo)
            for element in dataSet.elements { if let combo = element.categoryCombo { used.insert(combo) } }
        }
        return metadata.categoryCombos.indices.filter { !used.contains($0) }.map {
            issue(metadata.categoryCombos[$0].identity)
        }
    }

    /// A seeded selection: a third of the checks find nothing, the others one to five objects, in metadata order.
    private func sample(_ objects: [Issue], check: String) -> [Issue] {
        guard !objects.isEmpty else { return [] }
        var generator = SplitMix64.stream(seed: seed, label: "integrity/" + check)
        guard generator.below(3) != 0 else { return [] }
        let wanted = 1 + generator.below(min(5, objects.count))
        var chosen = Set<Int>()
        while chosen.count < wanted { chosen.insert(generator.below(objects.count)) }
        return chosen.sorted().map { objects[$0] }
    }
}
