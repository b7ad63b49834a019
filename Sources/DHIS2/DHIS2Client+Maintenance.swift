import Curl

extension JobReference {
    /// A job known by its type and id, e.g. read back from a log.
    public init(id: String, jobType: JobType) {
        self.init(id: id, jobType: jobType.rawValue)
    }
}

extension DHIS2Client {
    /// `POST /api/resourceTables/analytics`: starts an analytics table update and returns the job.
    ///
    /// - Throws: ``DHIS2Error/Code/conflict`` when one is already running.
    public func startAnalyticsRefresh(
        _ options: AnalyticsTableOptions = AnalyticsTableOptions()
    ) async throws(DHIS2Error) -> JobReference {
        let response = try await send(.post, "resourceTables/analytics", query: options.queryItems)
        return try JobReference.decode(response.body, endpoint: "POST /api/resourceTables/analytics")
    }

    /// Updates the analytics tables and waits until the job has ended; returns its completed notification.
    ///
    /// - Throws: ``DHIS2Error/Code/server`` when the job fails or outlasts `timeout`.
    @discardableResult
    public func refreshAnalytics(
        _ options: AnalyticsTableOptions = AnalyticsTableOptions(),
        interval: Duration = .seconds(2),
        timeout: Duration = .seconds(6 * 3600),
        progress: (JobNotification) -> Void = { _ in }
    ) async throws(DHIS2Error) -> JobNotification {
        let job = try await startAnalyticsRefresh(options)
        return try await completeJob(job, interval: interval, timeout: timeout, progress: progress)
    }
}

extension DHIS2Client {
    /// `POST /api/maintenance/categoryOptionComboUpdate`: regenerates the category option combos of every
    /// category combo, or of one (`…/categoryCombo/{uid}`). Synchronous.
    ///
    /// 2.38–2.42 answer 204, 2.43 a plain OK WebMessage; one combo answers ImportSummaries.
    /// - Throws: ``DHIS2Error/Code/conflict`` for an unknown category combo.
    public func updateCategoryOptionCombos(categoryCombo: String? = nil) async throws(DHIS2Error) {
        let path = categoryCombo.map { "maintenance/categoryOptionComboUpdate/categoryCombo/\($0)" }
        _ = try await send(.post, path ?? "maintenance/categoryOptionComboUpdate")
    }

    /// `POST /api/maintenance/cacheClear`: empties the server's caches (204 before 2.43, 200 WebMessage from it).
    public func clearCache() async throws(DHIS2Error) {
        _ = try await send(.post, "maintenance/cacheClear")
    }
}
