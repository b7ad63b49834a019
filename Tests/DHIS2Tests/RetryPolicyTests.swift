import Curl
import DHIS2
import Foundation
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    /// A fixed-sequence generator so jitter is reproducible.
    struct Fixed: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    @Test func backoffGrowsWithFullJitterUnderTheCap() {
        let policy = RetryPolicy.standard
        var generator = Fixed(state: 7)
        for retry in 1...12 {
            let ceiling = min(30, 0.5 * pow(2, Double(retry - 1)))
            for _ in 0..<50 {
                let wait = policy.backoff(beforeRetry: retry, using: &generator)
                #expect(wait >= .zero)
                #expect(wait <= .seconds(ceiling))
            }
        }
    }

    @Test func retryAfterSecondsAndDates() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryPolicy.parseRetryAfter("3", now: now) == .seconds(3))
        #expect(RetryPolicy.parseRetryAfter(" 0 ", now: now) == .zero)
        let later = now.addingTimeInterval(42)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(RetryPolicy.parseRetryAfter(formatter.string(from: later), now: now) == .seconds(42))
        #expect(RetryPolicy.parseRetryAfter(formatter.string(from: now.addingTimeInterval(-5)), now: now) == .zero)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter("-1", now: now) == nil)
        // A server asking for an hour gets the cap.
        #expect(RetryPolicy.standard.delay(beforeRetry: 1, retryAfter: "3600") == .seconds(60))
        #expect(RetryPolicy.standard.delay(beforeRetry: 1, retryAfter: "99999999999999999999999") == .seconds(60))
    }

    @Test func onlyTransientFailuresHaveAReason() {
        func status(_ code: Int) -> DHIS2Error {
            DHIS2Error(code: code >= 500 ? .server : .badRequest, detail: "", httpStatus: code)
        }
        func transport(_ code: HTTPClientError.Code, curl: Int? = nil) -> DHIS2Error {
            let underlying = HTTPClientError(code: code, method: "GET", url: "http://x/api", curlCode: curl)
            return DHIS2Error(code: .transport, detail: "", underlying: underlying)
        }
        #expect(RetryPolicy.retryReason(for: status(429)) == "http_429")
        #expect(RetryPolicy.retryReason(for: status(503)) == "http_503")
        for code in [400, 401, 403, 404, 409, 500, 501] {
            #expect(RetryPolicy.retryReason(for: status(code)) == nil, "\(code)")
        }
        #expect(RetryPolicy.retryReason(for: transport(.connect)) == "connect")
        #expect(RetryPolicy.retryReason(for: transport(.timeout)) == "timeout")
        #expect(RetryPolicy.retryReason(for: transport(.network)) == "connection_reset")
        #expect(RetryPolicy.retryReason(for: transport(.protocol, curl: 92)) == "http2_stream")
        #expect(RetryPolicy.retryReason(for: transport(.protocol, curl: 8)) == nil)
        #expect(RetryPolicy.retryReason(for: transport(.protocol, curl: 52)) == "connection_closed")
        #expect(RetryPolicy.retryReason(for: transport(.truncated)) == "connection_closed")
        #expect(RetryPolicy.retryReason(for: transport(.tls)) == nil)
        #expect(RetryPolicy.retryReason(for: transport(.cancelled)) == nil)
        #expect(RetryPolicy.retryReason(for: DHIS2Error(code: .truncated, detail: "", httpStatus: 200)) == nil)
    }

    @Test func idempotentStrategies() {
        var options = DataValueImportOptions()
        #expect(options.isIdempotent)
        for (strategy, expected) in [("CREATE", false), ("UPDATE", true), ("DELETE", true), ("NEW", false)] {
            options.importStrategy = strategy
            #expect(options.isIdempotent == expected, "\(strategy)")
        }
    }
}
