/// Turns the header lines libcurl hands to its header callback into the final response head.
///
/// libcurl reports every response it sees on the connection: interim `1xx` responses and, when redirects
/// are followed, each `3xx` hop. Only the last head belongs to the body, so each status line starts over
/// and a head counts as final only when no further one can follow. Lines after the final head are
/// chunked-encoding trailers and are ignored.
struct ResponseHeadParser {
    private(set) var status: Int?
    private(set) var headers = HTTPHeaders()
    private(set) var isComplete = false
    let followsRedirects: Bool

    init(followsRedirects: Bool) {
        self.followsRedirects = followsRedirects
    }

    /// Feeds one line (with or without its CRLF). Returns `true` when this line completed the final head.
    mutating func consume(line rawLine: Substring) -> Bool {
        guard !self.isComplete else {
            return false
        }
        let line = rawLine.trimmingLineEnd()
        if line.hasPrefix("HTTP/") {
            self.status = Self.parseStatus(line)
            self.headers = HTTPHeaders()
            return false
        }
        if line.isEmpty {
            guard let status = self.status else {
                return false
            }
            if (100..<200).contains(status) || self.willBeRedirected(status) {
                self.status = nil
                self.headers = HTTPHeaders()
                return false
            }
            self.isComplete = true
            return true
        }
        guard self.status != nil else {
            return false
        }
        if let first = line.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // Obsolete line folding: the line continues the previous field's value.
            self.appendToLastValue(line.trimmingWhitespace())
            return false
        }
        guard let colon = line.firstIndex(of: ":") else {
            return false
        }
        let name = line[..<colon].trimmingWhitespace()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        if !name.isEmpty {
            self.headers.add(name: String(name), value: String(value))
        }
        return false
    }

    /// Marks whatever was seen as final: used when body bytes arrive or the transfer ends first.
    mutating func forceComplete(fallbackStatus: Int) {
        if self.status == nil {
            self.status = fallbackStatus
        }
        self.isComplete = true
    }

    /// The statuses libcurl follows when `CURLOPT_FOLLOWLOCATION` is on and a Location is present.
    private func willBeRedirected(_ status: Int) -> Bool {
        guard self.followsRedirects, [300, 301, 302, 303, 307, 308].contains(status) else {
            return false
        }
        return self.headers.contains(name: "Location")
    }

    private mutating func appendToLastValue(_ continuation: Substring) {
        var fields = Array(self.headers)
        guard var last = fields.popLast() else {
            return
        }
        last.value += " " + continuation
        self.headers = HTTPHeaders(fields.map { ($0.name, $0.value) } + [(last.name, last.value)])
    }

    /// `HTTP/1.1 200 OK` or `HTTP/2 200`: the status is the second token.
    static func parseStatus(_ line: Substring) -> Int? {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[1].utf8.count == 3 else {
            return nil
        }
        return Int(parts[1])
    }
}

extension Substring {
    fileprivate func trimmingLineEnd() -> Substring {
        var result = self
        while let last = result.utf8.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            result = result.dropLast()
        }
        return result
    }

    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            result = result.dropFirst()
        }
        while let last = result.utf8.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            result = result.dropLast()
        }
        return result
    }
}
