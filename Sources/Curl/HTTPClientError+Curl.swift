import CCurl

extension HTTPClientError.Code {
    /// Maps a libcurl result to a stable code. Unlisted results are ``other``; the raw value stays in
    /// ``HTTPClientError/curlCode``.
    init(curlCode: CURLcode) {
        switch curlCode {
        case CURLE_COULDNT_CONNECT:
            self = .connect
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .resolve
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CLIENTCERT:
            self = .tls
        case CURLE_ABORTED_BY_CALLBACK:
            self = .cancelled
        case CURLE_TOO_MANY_REDIRECTS:
            self = .tooManyRedirects
        case CURLE_PARTIAL_FILE:
            self = .truncated
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            self = .network
        // UNSUPPORTED_PROTOCOL here means an HTTP/0.9 reply or a redirect to another scheme; a bad request
        // URL scheme is refused before libcurl sees it.
        case CURLE_WEIRD_SERVER_REPLY, CURLE_GOT_NOTHING, CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_RANGE_ERROR, CURLE_UNSUPPORTED_PROTOCOL:
            self = .protocol
        case CURLE_URL_MALFORMAT:
            self = .invalidRequest
        case CURLE_FILESIZE_EXCEEDED:
            self = .bodyTooLarge
        default:
            self = .other
        }
    }
}
