import Curl
import Foundation
import JSONStream

/// What an export delivered.
public struct DataValueExport: Sendable, Hashable {
    /// Header fields (single-data-set exports have them), final once the body ended.
    public var header: DataValueSetHeader
    public var valueCount: Int
    public var byteCount: Int
}

/// Options of `POST /api/dataValueSets` (`dhis2-api.md` §2.2).
public struct DataValueImportOptions: Sendable, Hashable {
    /// `CREATE_AND_UPDATE` (default), `CREATE`, `UPDATE` or `DELETE`.
    public var importStrategy = "CREATE_AND_UPDATE"
    public var dryRun = false
    /// Input id scheme for every id in the payload (`UID`, `CODE`).
    public var idScheme: String?
    /// Skips writing audit rows: a sync is not a user edit.
    public var skipAudit = false
    /// Runs the import as a job and waits for it through the task API.
    public var async = false
    /// How often to poll a running import job.
    public var pollInterval: Duration = .seconds(1)
    /// Give up waiting for an import job after this long.
    public var jobTimeout: Duration = .seconds(3600)

    public init() {}

    /// Whether sending the same payload twice leaves the same state: true for `CREATE_AND_UPDATE`, `UPDATE`
    /// and `DELETE` (and their legacy spellings), false for `CREATE`, whose second delivery conflicts.
    public var isIdempotent: Bool {
        ["CREATE_AND_UPDATE", "UPDATE", "DELETE", "NEW_AND_UPDATES", "UPDATES", "DELETES"]
            .contains(importStrategy.uppercased())
    }

    var queryItems: [HTTPClientRequest.QueryItem] {
        var items: [HTTPClientRequest.QueryItem] = [.init("importStrategy", importStrategy)]
        if dryRun { items.append(.init("dryRun", "true")) }
        if let idScheme { items.append(.init("idScheme", idScheme)) }
        if skipAudit { items.append(.init("skipAudit", "true")) }
        if async { items.append(.init("async", "true")) }
        return items
    }
}

extension DHIS2Client {
    /// Streams `GET /api/dataValueSets` through the tokenizer and hands out values in batches.
    ///
    /// Memory stays flat: bytes are decoded as they arrive, and while `consume` is busy the HTTP
    /// transfer pauses. A body that ends before its JSON does — DHIS2 answers 200 and cuts the
    /// stream when an export fails midway — throws ``DHIS2Error/Code/truncated``, never a short success.
    ///
    /// Failures are retried under ``retryPolicy`` only until the first values reach `consume`: a body is never
    /// resumed or replayed after it was partly handed out.
    ///
    /// - Parameter consume: called with the values decoded from each network chunk (tens of values).
    @discardableResult
    public func exportDataValues(
        _ query: DataValueQuery,
        _ consume: ([DataValue]) async throws -> Void
    ) async throws -> DataValueExport {
        let endpoint = "GET /api/dataValueSets"
        if let problem = query.validate() {
            throw DHIS2Error(code: .badRequest, detail: problem, endpoint: endpoint)
        }
        var handedOut = false
        return try await retrying(
            endpoint,
            repeatable: true,
            stillRepeatable: { !handedOut },
            {
                try await exportOnce(query, endpoint: endpoint) { values in
                    handedOut = true
                    try await consume(values)
                }
            }
        )
    }

    /// One try of ``exportDataValues(_:_:)``.
    private func exportOnce(
        _ query: DataValueQuery,
        endpoint: String,
        _ consume: ([DataValue]) async throws -> Void
    ) async throws -> DataValueExport {
        let response = try await startExport(query, endpoint: endpoint)
        var decoder = DataValueSetDecoder()
        var byteCount = 0
        var batch: [DataValue] = []
        do {
            for try await chunk in response.body {
                byteCount += chunk.count
                try decoder.feed(chunk) { batch.append($0) }
                if !batch.isEmpty {
                    try await consume(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            throw Self.exportFailure(error, byteCount: byteCount, status: response.status, endpoint: endpoint)
        }
        let header = try Self.finishExport(&decoder, byteCount: byteCount, status: response.status, endpoint: endpoint)
        return DataValueExport(header: header, valueCount: decoder.valueCount, byteCount: byteCount)
    }

    /// The export's request up to a 2xx head; the body is still to be read.
    func startExport(_ query: DataValueQuery, endpoint: String) async throws -> HTTPStreamingResponse {
        var request = HTTPClientRequest(
            method: .get,
            url: instance.apiURL("dataValueSets.json"),
            query: query.queryItems
        )
        try authorize(&request)
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        let response: HTTPStreamingResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw DHIS2Error(code: .transport, detail: "\(error)", endpoint: endpoint, underlying: error)
        }
        guard (200..<300).contains(response.status) else {
            let body = (try? await response.body.collect(upTo: 1 << 20)) ?? []
            var failure = HTTPFailure.error(status: response.status, body: body, endpoint: endpoint)
            failure.retryAfter = response.headers.first(name: "Retry-After")
            throw failure
        }
        return response
    }

    /// The typed error for a failure while reading an export's body; a consumer's own error passes through.
    static func exportFailure(_ error: any Error, byteCount: Int, status: Int, endpoint: String) -> any Error {
        switch error {
        case let error as JSONStreamError:
            return DHIS2Error(
                code: .unexpectedResponse,
                detail: "the export is not valid JSON: \(error)",
                endpoint: endpoint
            )
        case let error as HTTPClientError:
            return DHIS2Error(
                code: .transport,
                detail: "the export broke off after \(byteCount) bytes: \(error)",
                httpStatus: status,
                endpoint: endpoint,
                underlying: error
            )
        default:
            return error
        }
    }

    /// Ends an export's decoding: a body that stopped inside its JSON is ``DHIS2Error/Code/truncated``.
    static func finishExport(
        _ decoder: inout DataValueSetDecoder,
        byteCount: Int,
        status: Int,
        endpoint: String
    ) throws -> DataValueSetHeader {
        do {
            return try decoder.finish()
        } catch let error as JSONStreamError where error.code == .unexpectedEndOfInput {
            throw DHIS2Error(
                code: .truncated,
                detail: "the export ended after \(byteCount) bytes and \(decoder.valueCount) values, inside its JSON: "
                    + "the server failed midway; nothing of it may be trusted as complete",
                httpStatus: status,
                endpoint: endpoint
            )
        }
    }

    /// `POST /api/dataValueSets` with one batch; returns the import summary whatever the version.
    ///
    /// A 409 carrying a summary is a result (WARNING: the rest was committed; ERROR: nothing was).
    /// With `options.async` the job is followed through `/api/system/tasks` to its summary.
    ///
    /// The body is streamed: the writer encodes the values a chunk at a time as libcurl sends, so the JSON of
    /// a large batch is never held whole beside the values.
    public func importDataValues(
        _ values: [DataValue],
        header: DataValueSetHeader = DataValueSetHeader(),
        options: DataValueImportOptions = DataValueImportOptions(),
        omitting: Set<DataValue.Field> = []
    ) async throws(DHIS2Error) -> ImportSummary {
        let chunks = DataValueSetChunks(values: values, header: header, omitting: omitting)
        return try await importDataValues(body: .stream(chunks), options: options)
    }

    /// `POST /api/dataValueSets` with a payload already written (by a ``DataValueSetWriter``): callers that
    /// build the body as values stream in hold the bytes alone, not the values as well.
    public func importDataValueSet(
        _ body: [UInt8],
        options: DataValueImportOptions = DataValueImportOptions()
    ) async throws(DHIS2Error) -> ImportSummary {
        try await importDataValues(body: .bytes(body), options: options)
    }

    private func importDataValues(
        body: HTTPClientRequest.Body,
        options: DataValueImportOptions
    ) async throws(DHIS2Error) -> ImportSummary {
        let endpoint = "POST /api/dataValueSets"
        let response = try await send(
            .post,
            "dataValueSets",
            query: options.queryItems,
            requestBody: body,
            accepting: [409],
            repeatable: options.isIdempotent
        )
        guard options.async else {
            return try ImportResponse.dataValueSet(status: response.status, body: response.body, endpoint: endpoint)
        }
        let job = try JobReference.decode(response.body, endpoint: endpoint)
        return try await waitForImportJob(job, options: options)
    }
}

/// An import payload produced chunk by chunk from values already in memory: each iteration starts a fresh
/// writer, so a retried request streams the same bytes again.
struct DataValueSetChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let values: [DataValue]
    let header: DataValueSetHeader
    let omitting: Set<DataValue.Field>

    func makeAsyncIterator() -> Iterator {
        Iterator(values: values, writer: DataValueSetWriter(header: header, omitting: omitting))
    }

    struct Iterator: AsyncIteratorProtocol {
        let values: [DataValue]
        var writer: DataValueSetWriter
        var index = 0

        mutating func next() async -> [UInt8]? {
            while index < values.count && !writer.isChunkReady {
                writer.append(values[index])
                index += 1
            }
            if index == values.count { writer.finish() }
            return writer.isChunkReady ? writer.takeChunk() : nil
        }
    }
}
