/// What a pre-flight check found: problems grouped by kind, with counts, and how much was checked.
public struct PreflightReport: Sendable, Hashable {
    /// A kind of problem; each is one line of the report and one fix for the operator.
    public enum Kind: Sendable, Hashable, Comparable {
        /// The object does not exist at the destination (by UID, code or mapping).
        case missing(ValueTranslator.Kind)
        /// The pair exchanges codes, and the source object has none.
        case noCode(ValueTranslator.Kind)
        /// The pair maps this kind, and this object has no confirmed mapping.
        case unmapped(ValueTranslator.Kind)
        case notInDataSet
        case notInElementCombo
        case notInAttributeCombo
        case notAssigned
        case periodClosed

        public var title: String {
            switch self {
            case .missing(let kind): "\(Self.plural(kind)) missing on the destination"
            case .noCode(let kind): "\(Self.plural(kind)) without a code (the pair's id scheme is CODE)"
            case .unmapped(let kind): "\(Self.plural(kind)) without a confirmed mapping"
            case .notInDataSet: "data elements not in the destination's data set"
            case .notInElementCombo:
                "category option combos not in the data element's category combo on the destination"
            case .notInAttributeCombo:
                "attribute option combos not in the data set's attribute combo on the destination"
            case .notAssigned: "org units not assigned to the data set on the destination"
            case .periodClosed: "periods closed for data entry on the destination"
            }
        }

        /// What the destination answers a value with, so the report matches the conflict ledger.
        public var conflictCodes: String? {
            switch self {
            case .missing(.dataSet): "E7600"
            case .missing(.dataElement): "E7610"
            case .missing(.orgUnit): "E7612"
            case .missing(.categoryOptionCombo): "E7613"
            case .missing(.attributeOptionCombo): "E7615"
            case .noCode, .unmapped: nil
            case .notInDataSet: "E7633"
            case .notInElementCombo: "E7634"
            case .notInAttributeCombo: "E7635"
            case .notAssigned: "E7636"
            case .periodClosed: "E7640/E7641/E7643"
            }
        }

        private var order: Int {
            switch self {
            case .missing(let kind): 0 + Self.objectOrder.firstIndex(of: kind)!
            case .noCode(let kind): 10 + Self.objectOrder.firstIndex(of: kind)!
            case .unmapped(let kind): 20 + Self.objectOrder.firstIndex(of: kind)!
            case .notInDataSet: 30
            case .notInElementCombo: 31
            case .notInAttributeCombo: 32
            case .notAssigned: 33
            case .periodClosed: 34
            }
        }

        /// Containers before what they contain, as an operator fixes them.
        private static let objectOrder: [ValueTranslator.Kind] = [
            .dataSet, .dataElement, .categoryOptionCombo, .attributeOptionCombo, .orgUnit,
        ]

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.order < rhs.order }

        /// Whether the problem belongs to the object alone (reported once), not to its place in a data set.
        var isPerObject: Bool {
            switch self {
            case .missing, .noCode, .unmapped: true
            default: false
            }
        }

        private static func plural(_ kind: ValueTranslator.Kind) -> String {
            switch kind {
            case .dataSet: "data sets"
            case .dataElement: "data elements"
            case .categoryOptionCombo: "category option combos"
            case .attributeOptionCombo: "attribute option combos"
            case .orgUnit: "org units"
            }
        }
    }

    public struct Problem: Sendable, Hashable {
        public var kind: Kind
        /// The source object (or period), readable: "Name (uid)".
        public var object: String
        /// Where it matters: the data set, or the data element and data set.
        public var context: String
    }

    /// How many objects the check looked at.
    public struct Checked: Sendable, Hashable {
        public var dataSets = 0
        public var dataElements = 0
        public var optionCombos = 0
        public var orgUnits = 0
        public var periods = 0
    }

    public private(set) var problems: [Problem] = []
    public var checked = Checked()
    private var seen: Set<String> = []

    public init() {}

    public var isClean: Bool { problems.isEmpty }

    mutating func add(_ kind: Kind, _ object: String, context: String) {
        let key = kind.isPerObject ? "\(kind)|\(object)" : "\(kind)|\(object)|\(context)"
        guard seen.insert(key).inserted else { return }
        problems.append(Problem(kind: kind, object: object, context: context))
    }

    /// Problems by kind, in a fixed order.
    public var groups: [(kind: Kind, problems: [Problem])] {
        Dictionary(grouping: problems, by: \.kind).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One phrase for an error line: "2 data elements missing on the destination, 25 org units …".
    public var summary: String {
        groups.map { "\($0.problems.count) \($0.kind.title)" }.joined(separator: "; ")
    }

    /// The report as an operator reads it: a headline, then each kind with its count and first examples.
    public func lines(pair: String, examples: Int = 5) -> [String] {
        let scope =
            "\(checked.dataSets) data sets, \(checked.dataElements) data elements, \(checked.optionCombos) "
            + "option combos, \(checked.orgUnits) org units, \(checked.periods) periods"
        guard !isClean else { return ["pair check \(pair): no problems (\(scope) checked)"] }
        var lines = ["pair check \(pair): \(problems.count) problems of \(groups.count) kinds (\(scope) checked)"]
        for group in groups {
            let codes = group.kind.conflictCodes.map { " [\($0)]" } ?? ""
            lines.append("  \(group.problems.count) \(group.kind.title)\(codes)")
            for problem in group.problems.prefix(examples) {
                lines.append("    \(problem.object) — \(problem.context)")
            }
            if group.problems.count > examples { lines.append("    … and \(group.problems.count - examples) more") }
        }
        return lines
    }
}
