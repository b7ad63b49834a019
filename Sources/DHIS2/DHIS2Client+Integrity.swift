import Curl

extension DHIS2Client {
    /// `GET /api/dataIntegrity`: the checks the server knows, optionally only those `checks` selects (names,
    /// `*` patterns or codes) or one section.
    public func integrityChecks(
        selecting checks: [String] = [],
        section: String? = nil
    ) async throws(DHIS2Error) -> [DataIntegrityCheck] {
        var query: [HTTPClientRequest.QueryItem] = []
        if !checks.isEmpty { query.append(.init("checks", checks.joined(separator: ","))) }
        if let section { query.append(.init("section", section)) }
        return try await getJSON("dataIntegrity", query: query)
    }

    /// `POST /api/dataIntegrity/summary`, waits for the job, then reads the counts of the checks it ran.
    ///
    /// Without `checks` the server runs every check that is not slow.
    ///
    /// - Throws: ``DHIS2Error/Code/server`` when the job fails or outlasts `timeout`.
    public func runIntegritySummary(
        checks: [String] = [],
        interval: Duration = .seconds(1),
        timeout: Duration = .seconds(3600),
        progress: (JobNotification) -> Void = { _ in }
    ) async throws(DHIS2Error) -> DataIntegrityReport {
        try await runIntegrity("summary", checks: checks, interval: interval, timeout: timeout, progress: progress)
    }

    /// `POST /api/dataIntegrity/details`, waits for the job, then reads the issues of the checks it ran.
    ///
    /// - Throws: ``DHIS2Error/Code/server`` when the job fails or outlasts `timeout`.
    public func runIntegrityDetails(
        checks: [String] = [],
        interval: Duration = .seconds(1),
        timeout: Duration = .seconds(3600),
        progress: (JobNotification) -> Void = { _ in }
    ) async throws(DHIS2Error) -> DataIntegrityReport {
        try await runIntegrity("details", checks: checks, interval: interval, timeout: timeout, progress: progress)
    }

    /// Runs the summary and, with `details`, the details of the selected checks, and merges them per check.
    public func integrityReport(
        checks: [String] = [],
        details: Bool = true,
        interval: Duration = .seconds(1),
        timeout: Duration = .seconds(3600),
        progress: (JobNotification) -> Void = { _ in }
    ) async throws(DHIS2Error) -> DataIntegrityReport {
        let summary = try await runIntegritySummary(
            checks: checks,
            interval: interval,
            timeout: timeout,
            progress: progress
        )
        guard details else { return summary }
        let found = try await runIntegrityDetails(
            checks: checks,
            interval: interval,
            timeout: timeout,
            progress: progress
        )
        return summary.merging(found)
    }

    /// The issues of the selected checks as flat rows, most severe check first: the details job runs when
    /// iteration starts, then each check's issues are fetched as the rows are consumed, so a consumer that
    /// stops early spares the server the remaining requests. Checks that failed yield no rows (see
    /// ``integrityReport(checks:details:interval:timeout:progress:)`` for their errors).
    public func integrityIssues(
        checks: [String] = [],
        interval: Duration = .seconds(1),
        timeout: Duration = .seconds(3600)
    ) -> DataIntegrityIssues {
        DataIntegrityIssues(client: self, checks: checks, interval: interval, timeout: timeout)
    }

    /// `GET /api/dataIntegrity/{check}/details`: nil while the check has no completed details.
    public func integrityDetails(of check: String) async throws(DHIS2Error) -> DataIntegrityResult? {
        let endpoint = "GET /api/dataIntegrity/\(check)/details"
        let response = try await send(.get, "dataIntegrity/\(check)/details")
        guard !response.body.isEmpty else { return nil }
        let record: DataIntegrityRecord = try decodeJSON(response, endpoint: endpoint)
        return record.result(named: check)
    }

    /// Starts a summary or details run; the body carries no check names, the query does.
    func startIntegrity(_ kind: String, checks: [String]) async throws(DHIS2Error) -> JobReference {
        let query: [HTTPClientRequest.QueryItem] =
            checks.isEmpty ? [] : [.init("checks", checks.joined(separator: ","))]
        let response = try await send(.post, "dataIntegrity/\(kind)", query: query)
        return try JobReference.decode(response.body, endpoint: "POST /api/dataIntegrity/\(kind)")
    }

    private func runIntegrity(
        _ kind: String,
        checks: [String],
        interval: Duration,
        timeout: Duration,
        progress: (JobNotification) -> Void
    ) async throws(DHIS2Error) -> DataIntegrityReport {
        let job = try await startIntegrity(kind, checks: checks)
        try await completeJob(job, interval: interval, timeout: timeout, progress: progress)
        var query: [HTTPClientRequest.QueryItem] = []
        if !checks.isEmpty { query.append(.init("checks", checks.joined(separator: ","))) }
        let records: [String: DataIntegrityRecord] = try await getJSON("dataIntegrity/\(kind)", query: query)
        return DataIntegrityReport(results: records.reduce(into: [:]) { $0[$1.key] = $1.value.result(named: $1.key) })
    }
}
