extension SimulatorConfiguration {
    /// Metadata rules that refuse values on period or org unit grounds (reference §2.3 constraints). All
    /// keys are UIDs; dates are `yyyy-MM-dd`.
    public struct DataEntryRules: Sendable, Hashable {
        /// A category option's start and end date: values of an attribute option combo using it must have
        /// periods overlapping every such window (E7638).
        public var categoryOptionDates: [String: DateWindow] = [:]
        /// A category option's org units: values of an attribute option combo using it must be in one of the
        /// subtrees (E7639).
        public var categoryOptionOrgUnits: [String: [String]] = [:]
        /// Overrides a data set's `expiryDays`: a non-superuser cannot write a period that ended more than this
        /// many days ago (E7640).
        public var expiryDays: [String: Int] = [:]
        /// A data set's data input periods: when any is given, only those periods are open, each between its
        /// opening and closing date (E7643 for the data set, E7644 for the data element's data sets).
        public var dataInputPeriods: [String: [DataInputPeriod]] = [:]
        /// Option codes of a data element's option set: other values are refused (E7621).
        public var optionSets: [String: [String]] = [:]

        public init() {}
    }

    /// A closed date window; nil ends are open.
    public struct DateWindow: Sendable, Hashable {
        public var start: String?
        public var end: String?

        public init(start: String? = nil, end: String? = nil) {
            self.start = start
            self.end = end
        }
    }

    /// One entry of a data set's `dataInputPeriods`.
    public struct DataInputPeriod: Sendable, Hashable {
        public var period: String
        public var openingDate: String?
        public var closingDate: String?

        public init(period: String, openingDate: String? = nil, closingDate: String? = nil) {
            self.period = period
            self.openingDate = openingDate
            self.closingDate = closingDate
        }
    }
}
