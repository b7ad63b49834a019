import CCurl

/// `curl_global_init` must run exactly once before anything else in libcurl; a static `let` initializer
/// runs once, thread-safely, on first use.
enum CurlGlobal {
    private static let result: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func initialize() {
        precondition(Self.result == CURLE_OK, "curl_global_init failed with \(Self.result.rawValue)")
    }
}
