extension HTTPClient {
    /// Client-wide settings. TLS peer and host verification are always on; there is deliberately no switch to
    /// turn them off.
    public struct Configuration: Sendable {
        /// Time allowed for DNS, TCP connect and the TLS handshake.
        public var connectTimeout: Duration = .seconds(10)
        /// Abort a transfer that moves fewer than this many bytes per second for ``lowSpeedTime``.
        /// `0` disables the check. Time spent paused, waiting for a slow body consumer or a slow request-body
        /// producer, does not count.
        public var lowSpeedLimit: Int = 1
        /// See ``lowSpeedLimit``. libcurl measures it in whole seconds (rounded up, at least 1).
        public var lowSpeedTime: Duration = .seconds(60)
        /// Upper bound for a whole transfer, body included; `nil` for none. Per request:
        /// ``HTTPClientRequest/totalTimeout``. Paused time counts here, so keep it off for large streams.
        public var totalTimeout: Duration?
        /// PEM file of CA certificates to trust instead of the system store.
        public var caFile: String?
        public var userAgent: String = "dhis2-sync"
        /// Limit for bodies collected by ``HTTPClient/send(_:body:maximumBodySize:logger:)``.
        public var maximumCollectedBodySize: Int = 16 * 1024 * 1024
        /// Follow `3xx` responses with a `Location`. Off by default: the redirect is returned as is.
        public var followRedirects: Bool = false
        public var maximumRedirects: Int = 5
        /// About how many decoded response bytes may wait for a slow consumer before libcurl is paused.
        public var responseBufferSize: Int = 1024 * 1024
        /// About how many request-body bytes a streaming producer may run ahead of the network.
        public var uploadBufferSize: Int = 1024 * 1024
        /// libcurl's socket receive buffer (`CURLOPT_BUFFERSIZE`).
        public var receiveBufferSize: Int = 64 * 1024

        public init() {}
    }
}
