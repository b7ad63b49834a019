import Testing

@testable import Curl

@Suite("Query encoding")
struct QueryEncodingTests {
    @Test("unreserved characters stay as they are")
    func unreserved() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
    }

    @Test(
        "reserved and special characters are percent-encoded",
        arguments: [
            (" ", "%20"),
            ("+", "%2B"),
            ("&", "%26"),
            ("=", "%3D"),
            ("#", "%23"),
            ("?", "%3F"),
            ("/", "%2F"),
            ("%", "%25"),
            (":", "%3A"),
            (",", "%2C"),
            ("[]", "%5B%5D"),
            ("\"", "%22"),
            ("\n", "%0A"),
        ]
    )
    func reserved(input: String, expected: String) {
        #expect(PercentEncoding.encode(input) == expected)
    }

    @Test("non-ASCII is encoded as UTF-8 bytes with uppercase hex")
    func nonASCII() {
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.encode("Région Sud") == "R%C3%A9gion%20Sud")
        #expect(PercentEncoding.encode("日本") == "%E6%97%A5%E6%9C%AC")
        #expect(PercentEncoding.encode("🙂") == "%F0%9F%99%82")
    }

    @Test("repeated keys are kept in order")
    func repeatedKeys() {
        let query = HTTPClientRequest.encodeQuery([
            .init("dataSet", "a"),
            .init("dataSet", "b"),
            .init("period", "2024Q1"),
        ])
        #expect(query == "dataSet=a&dataSet=b&period=2024Q1")
    }

    @Test("a nil value renders as a bare name, an empty value keeps its '='")
    func bareNames() {
        #expect(HTTPClientRequest.encodeQuery([.init("paging", nil), .init("x", "")]) == "paging&x=")
    }

    @Test("DHIS2-style filters survive as single values")
    func dhis2Filter() {
        let query = HTTPClientRequest.encodeQuery([
            .init("filter", "name:ilike:a&b=c d+e"),
            .init("fields", "id,name,children[id]"),
        ])
        #expect(query == "filter=name%3Ailike%3Aa%26b%3Dc%20d%2Be&fields=id%2Cname%2Cchildren%5Bid%5D")
    }

    @Test("query items are appended to the URL with the right separator")
    func effectiveURL() {
        let items: [HTTPClientRequest.QueryItem] = [.init("a", "1 2")]
        #expect(HTTPClientRequest(url: "http://h/p", query: items).effectiveURL == "http://h/p?a=1%202")
        #expect(HTTPClientRequest(url: "http://h/p?x=y", query: items).effectiveURL == "http://h/p?x=y&a=1%202")
        #expect(HTTPClientRequest(url: "http://h/p?", query: items).effectiveURL == "http://h/p?a=1%202")
        #expect(HTTPClientRequest(url: "http://h/p#frag", query: items).effectiveURL == "http://h/p?a=1%202")
        #expect(HTTPClientRequest(url: "http://h/p").effectiveURL == "http://h/p")
    }
}
