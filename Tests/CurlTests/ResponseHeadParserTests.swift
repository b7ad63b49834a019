import Testing

@testable import Curl

@Suite("Response head parsing and headers")
struct ResponseHeadParserTests {
    private func feed(_ lines: [String], followsRedirects: Bool = false) -> (ResponseHeadParser, completedAt: Int?) {
        var parser = ResponseHeadParser(followsRedirects: followsRedirects)
        var completedAt: Int?
        for (index, line) in lines.enumerated() where parser.consume(line: Substring(line + "\r\n")) {
            completedAt = index
        }
        return (parser, completedAt)
    }

    @Test("status, multi-valued headers, case-insensitive lookup")
    func basic() {
        let (parser, completedAt) = self.feed([
            "HTTP/1.1 200 OK", "Content-Type: application/json", "Set-Cookie: a=1", "set-cookie: b=2",
            "X-Spaces:   padded value  ", "",
        ])
        #expect(completedAt == 5)
        #expect(parser.status == 200)
        #expect(parser.headers["SET-COOKIE"] == ["a=1", "b=2"])
        #expect(parser.headers.first(name: "content-type") == "application/json")
        #expect(parser.headers.first(name: "x-spaces") == "padded value")
        #expect(parser.headers.first(name: "missing") == nil)
    }

    @Test("interim 1xx heads are skipped")
    func interim() {
        let (parser, completedAt) = self.feed(["HTTP/1.1 100 Continue", "", "HTTP/1.1 201 Created", "Location: /x", ""])
        #expect(completedAt == 4)
        #expect(parser.status == 201)
        #expect(parser.headers.first(name: "Location") == "/x")
    }

    @Test("a redirect is final unless redirects are followed")
    func redirects() {
        let lines = ["HTTP/1.1 302 Found", "Location: /next", "", "HTTP/1.1 200 OK", "A: b", ""]
        let notFollowed = self.feed(lines)
        #expect(notFollowed.completedAt == 2)
        #expect(notFollowed.0.status == 302)
        #expect(notFollowed.0.headers.first(name: "location") == "/next")

        let followed = self.feed(lines, followsRedirects: true)
        #expect(followed.completedAt == 5)
        #expect(followed.0.status == 200)
        #expect(followed.0.headers.first(name: "A") == "b")
        #expect(!followed.0.headers.contains(name: "Location"))
    }

    @Test("trailers after the head are ignored; folded lines continue a value")
    func trailersAndFolding() {
        let (parser, _) = self.feed(["HTTP/1.1 200 OK", "X-Long: part one", "\tpart two", "", "X-Trailer: t", ""])
        #expect(parser.headers.first(name: "X-Long") == "part one part two")
        #expect(!parser.headers.contains(name: "X-Trailer"))
    }

    @Test("HTTP/2 style status line")
    func http2StatusLine() {
        #expect(ResponseHeadParser.parseStatus("HTTP/2 204") == 204)
        #expect(ResponseHeadParser.parseStatus("HTTP/1.1 404 Not Found") == 404)
        #expect(ResponseHeadParser.parseStatus("HTTP/1.1 abc") == nil)
    }

    @Test("HTTPHeaders editing and a description without values")
    func headersEditing() {
        var headers: HTTPHeaders = ["Authorization": "Bearer secret-token", "Accept": "a"]
        headers.add(name: "accept", value: "b")
        #expect(headers["ACCEPT"] == ["a", "b"])
        headers.replaceOrAdd(name: "Accept", value: "c")
        #expect(headers["accept"] == ["c"])
        headers.remove(name: "ACCEPT")
        #expect(!headers.contains(name: "Accept"))
        #expect(!headers.description.contains("secret-token"))
        #expect(HTTPHeaders.namesEqual("Content-Length", "content-length"))
        #expect(!HTTPHeaders.namesEqual("Content-Length", "Content-Lengt"))
    }
}
