import Curl
import DHIS2
import Foundation

/// Posts a pair's batches to its middleware (`pair add --via URL`) instead of the destination.
///
/// The body is the same `dataValueSets` JSON a direct import would send; the query names the source,
/// destination, data set, period and org unit so that the middleware can route and report it. The
/// middleware queues the batch and delivers it later, so its 2xx means "accepted for delivery", not
/// "imported": there is no import summary to read.
struct MiddlewareClient: Sendable {
    let url: String
    let authentication: DHIS2Authentication?
    let sourceName: String
    let destinationName: String
    let http: HTTPClient
    let environment: [String: String]

    /// Stored and shown answers are cut here: enough to read a message, never a whole echoed payload.
    static let answerLimit = 2000
    /// A middleware's answer is an acknowledgement, not data; a larger one is refused unread.
    static let maximumAnswerSize = 1 << 20

    /// The middleware client of a pair in middleware mode; nil for a direct pair.
    init?(
        pair: Pair,
        http: HTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        guard let url = pair.viaURL else { return nil }
        self.url = url
        self.authentication = pair.viaAuthentication
        self.sourceName = pair.source.name
        self.destinationName = pair.destination.name
        self.http = http
        self.environment = environment
    }

    /// What the middleware said to one batch (or, without a status, why it could not be asked).
    struct Answer: Sendable, Hashable {
        var batchNumber: Int
        var importStrategy: String
        var valueCount: Int
        /// Nil when no HTTP answer came (transport failure, unreadable credential).
        var status: Int?
        /// At most ``MiddlewareClient/answerLimit`` characters, the credential never among them.
        var text: String

        var accepted: Bool { status.map { (200..<300).contains($0) } ?? false }

        /// The answer's first line, for a one-line failure message.
        var summary: String {
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let head = line.count > 200 ? String(line.prefix(200)) + "…" : line
            guard let status else { return head }
            return head.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(head)"
        }
    }

    /// The query of one batch: where it comes from and goes to, what it covers, and the import options a
    /// forwarding middleware hands to DHIS2 (`importStrategy`, `dryRun`, `idScheme`).
    func query(
        _ slice: SliceKey,
        dataSet: String,
        options: DataValueImportOptions
    ) -> [HTTPClientRequest.QueryItem] {
        var items: [HTTPClientRequest.QueryItem] = [
            .init("source", sourceName),
            .init("destination", destinationName),
            .init("dataSet", dataSet),
        ]
        if !slice.period.isEmpty { items.append(.init("period", slice.period)) }
        items.append(.init("orgUnit", slice.orgUnit))
        items.append(.init("importStrategy", options.importStrategy))
        if options.dryRun { items.append(.init("dryRun", "true")) }
        if let idScheme = options.idScheme { items.append(.init("idScheme", idScheme)) }
        return items
    }

    /// Posts one batch once. Never throws for a refusal: every outcome is an ``Answer`` to record; the
    /// slice's retries repeat it, since a queue may not deduplicate a batch delivered twice.
    func post(
        _ body: [UInt8],
        valueCount: Int,
        batchNumber: Int,
        query: [HTTPClientRequest.QueryItem],
        importStrategy: String
    ) async -> Answer {
        var answer = Answer(
            batchNumber: batchNumber,
            importStrategy: importStrategy,
            valueCount: valueCount,
            status: nil,
            text: ""
        )
        var request = HTTPClientRequest(method: .post, url: url, query: query, totalTimeout: .seconds(300))
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        var secret: Secret?
        do {
            secret = try authorization()
        } catch {
            answer.text = Self.cut("cannot authenticate to the middleware: \(error)")
            return answer
        }
        if let secret { request.headers.replaceOrAdd(name: "Authorization", value: secret.reveal()) }
        do {
            let response = try await http.send(request, body: .bytes(body), maximumBodySize: Self.maximumAnswerSize)
            answer.status = response.status
            answer.text = Self.cut(Self.redacting(String(decoding: response.body, as: UTF8.self), secret))
        } catch {
            answer.text = Self.cut("no answer from the middleware: \(error)")
        }
        return answer
    }

    /// The `Authorization` header, the secret resolved now so that a rotated one takes effect at once.
    private func authorization() throws -> Secret? {
        switch authentication {
        case nil:
            return nil
        case .basic?:
            return try authentication?.authorizationHeader(environment: environment)
        case .token(let reference)?:
            return Secret("Bearer " + (try reference.resolve(environment: environment).reveal()))
        }
    }

    /// A middleware that echoes request headers must not carry the credential into the database.
    private static func redacting(_ text: String, _ header: Secret?) -> String {
        guard let header else { return text }
        var text = text
        let full = header.reveal()
        let bare = full.split(separator: " ", maxSplits: 1).last.map(String.init) ?? full
        for secret in [full, bare] where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    private static func cut(_ text: String) -> String {
        text.count > answerLimit ? String(text.prefix(answerLimit - 1)) + "…" : text
    }
}
