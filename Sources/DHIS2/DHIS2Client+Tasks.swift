extension DHIS2Client {
    /// `GET /api/system/tasks/{jobType}/{jobId}`: the job's notifications, newest first; empty while nothing is
    /// known yet, and again once the server has cleared the feed.
    public func notifications(jobType: JobType, jobID: String) async throws(DHIS2Error) -> [JobNotification] {
        try await getJSON("system/tasks/\(jobType.rawValue)/\(jobID)")
    }

    /// Polls a job's notifications until it ends and returns the terminal notification: the completed one,
    /// or the first at level `ERROR` (a failure is returned, not thrown; see ``JobNotification/isFailure``).
    ///
    /// The terminal notification is returned the first time it is seen: 2.44 clears a failed job's feed about
    /// a second after the failure, so a poller that waits for a second look may never see it. Notifications
    /// are de-duplicated by uid and handed to `progress` oldest first, each exactly once.
    ///
    /// - Throws: ``DHIS2Error/Code/server`` when `timeout` passes first, and
    ///   ``DHIS2Error/Code/unexpectedResponse`` when the feed, once non-empty, empties before the job ended.
    @discardableResult
    public func awaitCompletion(
        _ job: JobReference,
        interval: Duration = .seconds(1),
        timeout: Duration = .seconds(3600),
        progress: (JobNotification) -> Void = { _ in }
    ) async throws(DHIS2Error) -> JobNotification {
        let endpoint = "GET /api/system/tasks/\(job.jobType)/\(job.id)"
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var seen = Set<String>()
        while true {
            let feed = try await notifications(jobType: JobType(job.jobType), jobID: job.id)
            if feed.isEmpty && !seen.isEmpty {
                throw DHIS2Error(
                    code: .unexpectedResponse,
                    detail: "the notifications of job \(job.id) were cleared before it was seen to end",
                    endpoint: endpoint
                )
            }
            // The feed is newest first; report oldest first, as the job wrote them.
            for notification in feed.reversed() where seen.insert(notification.uid).inserted {
                progress(notification)
            }
            if let terminal = feed.first(where: \.isTerminal) { return terminal }
            guard ContinuousClock.now < deadline else {
                throw DHIS2Error(
                    code: .server,
                    detail: "job \(job.id) (\(job.jobType)) did not finish within \(timeout)",
                    endpoint: endpoint
                )
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                throw DHIS2Error(code: .transport, detail: "cancelled while waiting for job \(job.id)")
            }
        }
    }

    /// Waits for a job and turns a failure into an error: for callers that only need it done.
    @discardableResult
    func completeJob(
        _ job: JobReference,
        interval: Duration,
        timeout: Duration,
        progress: (JobNotification) -> Void
    ) async throws(DHIS2Error) -> JobNotification {
        let terminal = try await awaitCompletion(job, interval: interval, timeout: timeout, progress: progress)
        if terminal.isFailure {
            throw DHIS2Error(
                code: .server,
                detail: "job \(job.id) (\(job.jobType)) failed: \(terminal.message ?? "no message")",
                endpoint: "GET /api/system/tasks/\(job.jobType)/\(job.id)"
            )
        }
        return terminal
    }
}
