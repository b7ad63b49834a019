import Curl
import Foundation

/// When and how long ``DHIS2Client`` waits before repeating a failed request.
///
/// Only requests that are safe to repeat are retried: GETs, and data value imports whose strategy makes a
/// second delivery harmless (`CREATE_AND_UPDATE`, `UPDATE`, `DELETE`). Only failures that are likely to pass
/// are retried: connection failures, timeouts, resets and closed connections, HTTP/2 stream errors, and the
/// statuses 429, 502, 503 and 504. A 500 is a server bug that repeats; other 4xx are the request's own fault.
///
/// Waits grow exponentially with full jitter (a random wait between zero and the exponential step), so
/// clients that failed together do not come back together. A server's `Retry-After` (seconds or an HTTP date)
/// replaces the computed wait, up to ``maximumRetryAfter``.
public struct RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included; 1 disables retries.
    public var maximumAttempts: Int
    /// The upper bound of the first wait.
    public var initialDelay: Duration
    /// How much the upper bound grows per retry.
    public var multiplier: Double
    /// The upper bound never exceeds this.
    public var maximumDelay: Duration
    /// A server's `Retry-After` is honoured up to this long; a longer one is cut to it.
    public var maximumRetryAfter: Duration

    public init(
        maximumAttempts: Int = 4,
        initialDelay: Duration = .milliseconds(500),
        multiplier: Double = 2,
        maximumDelay: Duration = .seconds(30),
        maximumRetryAfter: Duration = .seconds(60)
    ) {
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// 4 attempts, waits up to 0.5 s, 1 s, 2 s; `Retry-After` honoured up to a minute.
    public static let standard = RetryPolicy()
    /// Never retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// The wait before retry number `retry` (1 for the first retry) when the server gave no `Retry-After`.
    public func backoff(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceilingSeconds(beforeRetry: retry)
        guard ceiling > 0 else { return .zero }
        return .seconds(Double.random(in: 0...ceiling, using: &generator))
    }

    /// The wait before retry number `retry`: the server's `Retry-After` when it sent one (capped), else backoff.
    public func delay(beforeRetry retry: Int, retryAfter: String?, now: Date = Date()) -> Duration {
        if let retryAfter, let asked = Self.parseRetryAfter(retryAfter, now: now) {
            return min(asked, maximumRetryAfter)
        }
        var generator = SystemRandomNumberGenerator()
        return backoff(beforeRetry: retry, using: &generator)
    }

    /// `min(maximumDelay, initialDelay × multiplier^(retry−1))` in seconds.
    func ceilingSeconds(beforeRetry retry: Int) -> Double {
        let cap = maximumDelay / .seconds(1)
        let grown = initialDelay / .seconds(1) * pow(max(multiplier, 1), Double(max(retry - 1, 0)))
        // pow overflows to infinity long before Int attempts run out; min keeps it finite.
        return max(0, min(cap, grown))
    }

    /// RFC 9110 §10.2.3: delay-seconds or an HTTP date; nil when it is neither. A date in the past is zero.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Anything beyond Int is "very long": the cap applies anyway (Duration holds Int.max seconds).
            return .seconds(Int(text) ?? Int.max)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        // IMF-fixdate first; the obsolete RFC 850 and asctime forms are still allowed by RFC 9110.
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return .seconds(max(0, date.timeIntervalSince(now)))
            }
        }
        return nil
    }

    /// Why a failure may be retried (a low-cardinality metric label), or nil when it must not be.
    public static func retryReason(for error: DHIS2Error) -> String? {
        if let status = error.httpStatus {
            // A transport error after the head (a broken-off export) carries the 200; it is not a status reason.
            if [429, 502, 503, 504].contains(status) { return "http_\(status)" }
            if error.code != .transport { return nil }
        }
        guard error.code == .transport, let http = error.underlying as? HTTPClientError else { return nil }
        switch http.code {
        case .connect: return "connect"
        case .timeout: return "timeout"
        case .network: return "connection_reset"
        // Closed mid-body, or before any reply (a kept-alive connection the server had dropped): a reset too.
        case .truncated: return "connection_closed"
        case .protocol where http.curlCode == Self.gotNothingCurlCode: return "connection_closed"
        case .protocol where http.curlCode.map(Self.http2CurlCodes.contains) ?? false: return "http2_stream"
        default: return nil
        }
    }

    /// `CURLE_HTTP2` (16) and `CURLE_HTTP2_STREAM` (92): a stream reset (e.g. a proxy's REFUSED_STREAM or a
    /// GOAWAY) before the answer; other protocol errors are a garbled server and repeat.
    static let http2CurlCodes: Set<Int> = [16, 92]
    /// `CURLE_GOT_NOTHING` (52): the connection closed without a reply.
    static let gotNothingCurlCode = 52
}
