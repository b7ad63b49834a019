import Logging
import Metrics

extension DHIS2Client {
    /// Runs `attempt` until it succeeds, fails in a way ``RetryPolicy`` does not retry, or the policy is spent;
    /// the last error is thrown as it was.
    ///
    /// - Parameters:
    ///   - endpoint: method and path only (never the URL: it could carry userinfo), for the log line.
    ///   - repeatable: whether the request may be sent again at all.
    ///   - stillRepeatable: asked after a failure; a streaming export says no once it handed values out.
    func retrying<T, Failure: Error>(
        _ endpoint: String,
        repeatable: Bool,
        stillRepeatable: () -> Bool = { true },
        _ attempt: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        let policy = retryPolicy
        var number = 1
        while true {
            do throws(Failure) {
                return try await attempt()
            } catch {
                guard repeatable, number < policy.maximumAttempts, stillRepeatable(),
                    let failure = error as? DHIS2Error,
                    let reason = RetryPolicy.retryReason(for: failure)
                else { throw error }
                let wait = policy.delay(beforeRetry: number, retryAfter: failure.retryAfter)
                logger.warning(
                    "DHIS2 request failed, retrying",
                    metadata: [
                        "dhis2.endpoint": "\(endpoint)",
                        "retry.attempt": "\(number)",
                        "retry.of": "\(policy.maximumAttempts)",
                        "retry.wait_seconds": "\(wait / .seconds(1))",
                        "retry.reason": "\(reason)",
                    ]
                )
                Counter(label: "dhis2_client_retries_total", dimensions: [("reason", reason)]).increment()
                // Cancelled while waiting: the failure at hand is the truthful answer.
                do { try await Task.sleep(for: wait) } catch _ { throw error }
                number += 1
            }
        }
    }
}
