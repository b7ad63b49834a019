/// One issue of one check, tagged with the check, for flat listings.
public struct DataIntegrityIssueRow: Sendable, Hashable {
    public var check: String
    public var displayName: String
    public var severity: DataIntegritySeverity
    public var issue: DataIntegrityIssue

    public init(check: String, displayName: String, severity: DataIntegritySeverity, issue: DataIntegrityIssue) {
        self.check = check
        self.displayName = displayName
        self.severity = severity
        self.issue = issue
    }
}

/// The rows of ``DHIS2Client/integrityIssues(checks:interval:timeout:)``: lazy, most severe check first.
public struct DataIntegrityIssues: AsyncSequence, Sendable {
    public typealias Element = DataIntegrityIssueRow

    let client: DHIS2Client
    let checks: [String]
    let interval: Duration
    let timeout: Duration

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let sequence: DataIntegrityIssues
        /// Checks still to read, least severe first (read from the end); nil until the run has happened.
        var pending: [DataIntegrityCheck]?
        /// Rows of the current check, last first.
        var rows: [DataIntegrityIssueRow] = []

        public mutating func next() async throws -> DataIntegrityIssueRow? {
            if pending == nil { pending = try await sequence.run() }
            while rows.isEmpty {
                guard let check = pending?.popLast() else { return nil }
                let issues = try await sequence.client.integrityDetails(of: check.name)?.issues ?? []
                rows = issues.reversed().map {
                    DataIntegrityIssueRow(
                        check: check.name,
                        displayName: check.label,
                        severity: check.severity,
                        issue: $0
                    )
                }
            }
            return rows.popLast()
        }
    }

    /// Runs the details job and returns the checks it covered, in reading order (reversed).
    func run() async throws(DHIS2Error) -> [DataIntegrityCheck] {
        let job = try await client.startIntegrity("details", checks: checks)
        try await client.completeJob(job, interval: interval, timeout: timeout) { _ in }
        var covered = try await client.integrityChecks(selecting: checks)
        // Unnamed runs leave slow checks out.
        if checks.isEmpty { covered.removeAll { $0.isSlow == true } }
        covered.sort { ($1.severity, $0.name) < ($0.severity, $1.name) }
        return covered.reversed()
    }
}
