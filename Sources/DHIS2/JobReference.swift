import Curl
import Foundation

/// A job DHIS2 started, from the kick-off WebMessage (`dhis2-api.md` §2.7, §5.4).
///
/// Only `id`, `jobType` and `relativeNotifierEndpoint` are relied on: the rest changed between versions.
public struct JobReference: Sendable, Hashable {
    public var id: String
    public var jobType: String

    static func decode(_ body: [UInt8], endpoint: String) throws(DHIS2Error) -> JobReference {
        struct Envelope: Decodable {
            struct Response: Decodable {
                var id: String?
                var jobType: String?
            }
            var response: Response?
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)),
            let id = envelope.response?.id, let jobType = envelope.response?.jobType
        else {
            throw DHIS2Error(
                code: .unexpectedResponse,
                detail: "the job kick-off answer names no job",
                endpoint: endpoint
            )
        }
        return JobReference(id: id, jobType: jobType)
    }
}

/// One entry of `/api/system/tasks/{type}/{id}` (newest first).
public struct TaskNotification: Decodable, Sendable, Hashable {
    public var level: String?
    public var message: String?
    public var completed: Bool?
    public var time: String?
}

extension DHIS2Client {
    /// The notifications of a job, newest first; empty while nothing is known yet.
    public func taskNotifications(_ job: JobReference) async throws(DHIS2Error) -> [TaskNotification] {
        try await getJSON("system/tasks/\(job.jobType)/\(job.id)")
    }

    /// Polls an import job until it completes, then reads its summary (retrying while the
    /// summary endpoint still answers empty, as 2.41+ does right after completion).
    func waitForImportJob(
        _ job: JobReference,
        options: DataValueImportOptions
    ) async throws(DHIS2Error) -> ImportSummary {
        let endpoint = "GET /api/system/taskSummaries/\(job.jobType)/\(job.id)"
        let deadline = ContinuousClock.now.advanced(by: options.jobTimeout)
        var completed = false
        while ContinuousClock.now < deadline {
            if !completed {
                let notifications = try await taskNotifications(job)
                if let latest = notifications.first {
                    if latest.level == "ERROR" {
                        throw DHIS2Error(
                            code: .server,
                            detail: "import job \(job.id) failed: \(latest.message ?? "no message")",
                            endpoint: endpoint
                        )
                    }
                    completed = latest.completed == true
                }
            }
            if completed {
                let response = try await send(.get, "system/taskSummaries/\(job.jobType)/\(job.id)")
                if !response.body.isEmpty {
                    return try ImportResponse.dataValueSet(
                        status: response.status,
                        body: response.body,
                        endpoint: endpoint
                    )
                }
            }
            do {
                try await Task.sleep(for: options.pollInterval)
            } catch {
                throw DHIS2Error(code: .transport, detail: "cancelled while waiting for import job \(job.id)")
            }
        }
        throw DHIS2Error(
            code: .server,
            detail: "import job \(job.id) did not finish within \(options.jobTimeout)",
            endpoint: endpoint
        )
    }
}
