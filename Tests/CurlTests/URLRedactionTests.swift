import Testing

@testable import Curl

@Suite("Redaction of URLs and messages")
struct URLRedactionTests {
    @Test("userinfo, query and fragment are removed")
    func redact() {
        #expect(URLRedaction.redact("https://user:pw@host:8443/api/x?token=t#f") == "https://host:8443/api/x")
        #expect(URLRedaction.redact("http://host/p") == "http://host/p")
        #expect(URLRedaction.redact("http://a@b@host/p@q") == "http://host/p@q")
        #expect(URLRedaction.redact("not a url?x") == "not a url")
        #expect(URLRedaction.redact("http://host/users/a@b") == "http://host/users/a@b")
        // Invalid (unencoded "/" in the password), but the password must still not appear.
        #expect(!URLRedaction.redact("http://user:pa/ss@host/x").contains("pa/ss"))
        #expect(URLRedaction.secrets(in: "http://user:pa/ss@host/x").contains("pa/ss"))
    }

    @Test("secrets of the userinfo are found and scrubbed from messages")
    func scrub() {
        let secrets = URLRedaction.secrets(in: "https://admin:pa%3Ass@host/x")
        #expect(secrets.contains("pa%3Ass"))
        let message = URLRedaction.scrub("failed for https://admin:pa%3Ass@host/x", secrets: secrets)
        #expect(!message.contains("pa%3Ass"))
        #expect(URLRedaction.secrets(in: "https://host/x?u=a@b").isEmpty)
    }

    @Test("HTTPClientError descriptions: code, method and URL; curl text only in the debug description")
    func errorDescription() {
        let error = HTTPClientError(
            code: .timeout,
            method: "GET",
            url: "https://host/x",
            curlCode: 28,
            curlMessage: "Operation timed out"
        )
        #expect(error.description == "HTTP GET https://host/x failed: timeout")
        #expect(error.debugDescription == "HTTP GET https://host/x failed: timeout [curl 28: Operation timed out]")
        #expect(HTTPClientError.Code.protocol.description == "protocol")
        #expect(error.code == .timeout && error.code != .connect)
    }
}
