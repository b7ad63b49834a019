/// One data integrity check as `GET /api/dataIntegrity` lists it (`DataIntegrityCheck.java`, reference §5.1).
public struct IntegrityCheck: Sendable, Hashable {
    public var name: String
    /// From i18n on a real server; nil falls back to the name with `_` → space, as DHIS2 does.
    public var displayName: String?
    public var section: String
    public var sectionOrder: Int
    /// `INFO`, `WARNING`, `SEVERE` or `CRITICAL`.
    public var severity: String
    public var description: String
    public var introduction: String?
    public var recommendation: String?
    /// The API collection the issues' ids belong to, e.g. `organisationUnits`.
    public var issuesIdType: String?
    public var isSlow: Bool
    public var isProgrammatic: Bool

    public init(
        name: String,
        displayName: String? = nil,
        section: String,
        sectionOrder: Int,
        severity: String,
        description: String,
        introduction: String? = nil,
        recommendation: String? = nil,
        issuesIdType: String? = nil,
        isSlow: Bool = false,
        isProgrammatic: Bool = false
    ) {
        self.name = name
        self.displayName = displayName
        self.section = section
        self.sectionOrder = sectionOrder
        self.severity = severity
        self.description = description
        self.introduction = introduction
        self.recommendation = recommendation
        self.issuesIdType = issuesIdType
        self.isSlow = isSlow
        self.isProgrammatic = isProgrammatic
    }

    /// Initials of the name's parts: `orgunits_invalid_geometry` → `OIG`.
    public var code: String {
        String(name.split(separator: "_").compactMap(\.first)).uppercased()
    }

    /// Whether a `checks` selector (name, `*` wildcard pattern or code) picks this check.
    func matches(_ selector: String) -> Bool {
        // DHIS2 accepts `-` for `_` and any case in names.
        let pattern = selector.lowercased().replacing("-", with: "_")
        if pattern.contains("*") { return IntegrityCheck.glob(pattern[...], name[...]) }
        return pattern == name || selector.uppercased() == code
    }

    private static func glob(_ pattern: Substring, _ text: Substring) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            let rest = pattern.dropFirst()
            var tail = text
            while true {
                if glob(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let character = text.first, character == first else { return false }
        return glob(pattern.dropFirst(), text.dropFirst())
    }

    /// Fields in `DataIntegrityCheck.java` order; 2.38 knew only the first seven (the rest appeared in 2.39).
    func fields(version: ServerVersion) -> [JSONMember] {
        var builder = JSONObjectBuilder()
        builder.add("name", name)
        builder.add("displayName", displayName ?? name.replacing("_", with: " "))
        builder.add("section", section)
        if version.minor >= 39 { builder.add("sectionOrder", sectionOrder) }
        builder.add("severity", severity)
        builder.add("description", description)
        builder.add("introduction", introduction)
        builder.add("recommendation", recommendation)
        if version.minor >= 39 {
            builder.add("issuesIdType", issuesIdType)
            builder.add("isSlow", isSlow)
            builder.add("isProgrammatic", isProgrammatic)
            builder.add("code", code)
        }
        return builder.members
    }

    /// The simulator's own checks: real DHIS2 names and texts, about the metadata the simulator has.
    public static let builtIn: [IntegrityCheck] = [
        IntegrityCheck(
            name: "orgunits_multiple_roots",
            displayName: "Organisation units with multiple roots",
            section: "Organisation units",
            sectionOrder: 8,
            severity: "CRITICAL",
            description: "Organisation unit hierarchy should have a single root",
            recommendation: "Assign every root but one to a parent so that the hierarchy has a single root.",
            issuesIdType: "organisationUnits"
        ),
        IntegrityCheck(
            name: "orgunits_trailing_spaces",
            displayName: "Organisation units with trailing spaces",
            section: "Organisation units",
            sectionOrder: 4,
            severity: "WARNING",
            description: "Organisation units should not have trailing spaces",
            issuesIdType: "organisationUnits"
        ),
        IntegrityCheck(
            name: "orgunits_no_coordinates",
            displayName: "Organisation units without coordinates",
            section: "Organisation units",
            sectionOrder: 9,
            severity: "WARNING",
            description: "Organisation units without coordinates",
            issuesIdType: "organisationUnits"
        ),
        IntegrityCheck(
            name: "organisation_units_without_groups",
            displayName: "Organisation units without groups",
            section: "Organisation units",
            sectionOrder: 13,
            severity: "WARNING",
            description: "Organisation units without groups",
            issuesIdType: "organisationUnits"
        ),
        IntegrityCheck(
            name: "datasets_empty",
            displayName: "Data sets without data elements",
            section: "Data sets",
            sectionOrder: 1,
            severity: "WARNING",
            description: "Datasets without data elements",
            issuesIdType: "dataSets"
        ),
        IntegrityCheck(
            name: "datasets_not_assigned_to_org_units",
            displayName: "Data sets not assigned to organisation units",
            section: "Data sets",
            sectionOrder: 2,
            severity: "WARNING",
            description: "Data sets which have not been assigned to any organisation units",
            issuesIdType: "dataSets"
        ),
        IntegrityCheck(
            name: "data_elements_without_datasets",
            displayName: "Aggregate data elements not in any data set",
            section: "Data elements (aggregate)",
            sectionOrder: 7,
            severity: "WARNING",
            description: "Aggregate data elements which are not a member of any dataset",
            issuesIdType: "dataElements"
        ),
        IntegrityCheck(
            name: "data_elements_aggregate_no_groups",
            displayName: "Aggregate data elements not in any group",
            section: "Data elements (aggregate)",
            sectionOrder: 4,
            severity: "WARNING",
            description: "Aggregate data elements not in any data element groups",
            issuesIdType: "dataElements"
        ),
        IntegrityCheck(
            name: "data_elements_aggregate_no_data",
            displayName: "Aggregate data elements without data",
            section: "Data elements (aggregate)",
            sectionOrder: 6,
            severity: "WARNING",
            description: "Aggregate data elements without data values",
            issuesIdType: "dataElements",
            isSlow: true
        ),
        IntegrityCheck(
            name: "category_combos_unused",
            displayName: "Unused category combinations",
            section: "Categories",
            sectionOrder: 6,
            severity: "WARNING",
            description: "Category combinations not used by other metadata objects",
            issuesIdType: "categoryCombos"
        ),
        IntegrityCheck(
            name: "categories_no_options",
            displayName: "Categories with no category options",
            section: "Categories",
            sectionOrder: 1,
            severity: "WARNING",
            description: "Categories with no category options",
            issuesIdType: "categories"
        ),
        IntegrityCheck(
            name: "category_option_combos_have_duplicates",
            displayName: "Duplicate category option combos",
            section: "Categories",
            sectionOrder: 6,
            severity: "SEVERE",
            description: "Category option combos with identical category options and category combos",
            issuesIdType: "categoryOptionCombos"
        ),
        IntegrityCheck(
            name: "users_with_all_authority",
            displayName: "Users with the ALL authority",
            section: "Users",
            sectionOrder: 6,
            severity: "INFO",
            description: "Users which have the ALL authority assigned",
            issuesIdType: "users"
        ),
        IntegrityCheck(
            name: "periods_distant_past",
            displayName: "Periods in the distant past",
            section: "Periods",
            sectionOrder: 3,
            severity: "WARNING",
            description: "Periods which are in the distant past",
            issuesIdType: "periods"
        ),
    ]
}
