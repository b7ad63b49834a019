import HTTPTypes
import Hummingbird
import JSONStream
import NIOCore
import Synchronization

extension SimulatorResponder {
    /// `POST /api/dataValueSets` (reference §2): synchronous imports stream the body through the decoder in
    /// batches; `async=true` stores the body and runs the import as a `DATAVALUE_IMPORT` job.
    func importValues(_ request: Request, _ call: Call) async -> Outcome {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.contains("json") else {
            return message(
                WebMessage(
                    415,
                    message:
                        "Content type '\(contentType.isEmpty ? "application/octet-stream" : contentType)' not supported"
                )
            )
        }
        let options: ImportOptions
        switch ImportOptions.parse(call.query) {
        case .success(let parsed): options = parsed
        case .failure(let webMessage): return message(webMessage)
        }
        if options.async {
            var bytes: [UInt8] = []
            do {
                for try await buffer in request.body { bytes.append(contentsOf: buffer.readableBytesView) }
            } catch {
                return message(WebMessage(400, message: "Could not read the request body"))
            }
            return startImportJob(bytes, options: options, call: call)
        }
        let (summary, bytesIn) = await runImport(request.body, options: options, username: call.username)
        var outcome = importResponse(summary, options: options, call: call)
        outcome.bytesIn = bytesIn
        return outcome
    }

    /// Decodes and imports a body; decoding problems become `The import process failed: …`.
    func runImport<Body: AsyncSequence>(
        _ body: Body,
        options: ImportOptions,
        username: String
    ) async
        -> (ImportSummary, Int) where Body.Element == ByteBuffer
    {
        var processor = ImportProcessor(
            store: core.store,
            options: options,
            version: core.version,
            username: username,
            now: .now()
        )
        processor.missingDataElements = core.missingDataElements.withLock { $0 }
        processor.rules = core.importRules
        processor.approvals = core.approvals.snapshot
        var decoder = DataValueSetDecoder()
        var batch: [DataValue] = []
        batch.reserveCapacity(4096)
        // 2.43 decides data set detection on the whole payload, so it is buffered there.
        let buffersAll = core.version.usesDataEntryRewrite
        // Otherwise batches are applied on another task while the body is still being decoded.
        let handoff = BatchHandoff<(values: [DataValue], header: DataValueSetHeader)>(capacity: 2)
        let applier: Task<ImportProcessor, Never>? =
            buffersAll
            ? nil
            : Task { [processor] in
                var processor = processor
                while let next = await handoff.take() { processor.process(next.values, header: next.header) }
                return processor
            }
        var bytesIn = 0
        func feed(_ bytes: UnsafeRawBufferPointer) throws {
            try decoder.feed(bytes) { batch.append($0) }
        }
        func handOver() async {
            guard !buffersAll, batch.count >= 4096 else { return }
            await handoff.put((batch, decoder.header))
            batch.removeAll(keepingCapacity: true)
        }
        /// Reads the whole body, handing batches over as they fill; returns the document's header.
        func decodeBody() async throws -> DataValueSetHeader {
            var first = true
            // Set when the body starts with gzip magic: DHIS2 sniffs it, a `Content-Encoding` is not needed.
            var inflater: GzipInflater?
            for try await buffer in body {
                bytesIn += buffer.readableBytes
                if first && buffer.readableBytes > 0 {
                    first = false
                    let magic = buffer.getBytes(at: buffer.readerIndex, length: min(2, buffer.readableBytes)) ?? []
                    if magic == [0x50, 0x4B] {
                        throw ImportBodyFailure("zip request bodies are not supported by the simulator")
                    }
                    if magic == [0x1F, 0x8B] { inflater = try GzipInflater() }
                }
                if let inflater {
                    try buffer.withUnsafeReadableBytes { bytes in try inflater.inflate(bytes) { try feed($0) } }
                } else {
                    try buffer.withUnsafeReadableBytes { try feed($0) }
                }
                await handOver()
            }
            try inflater?.finish()
            return try decoder.finish()
        }
        let decoded: Result<DataValueSetHeader, ImportBodyFailure>
        do {
            decoded = .success(try await decodeBody())
        } catch {
            decoded = .failure(ImportBodyFailure(error))
        }
        // Every handed-over batch is applied before the last one and the summary.
        await handoff.finish()
        if let applier { processor = await applier.value }
        switch decoded {
        case .failure(let failure):
            processor.summary.failure = failure.message
        case .success(let header):
            if buffersAll && !processor.checkDataSetDetection(batch, header: header) { break }
            if processor.checkHeader(header) {
                processor.process(batch, header: header)
                processor.finish(header: header)
            }
        }
        return (processor.summary, bytesIn)
    }

    /// The per-version envelope and status of reference §2.4.
    func importResponse(_ summary: ImportSummary, options: ImportOptions, call: Call) -> Outcome {
        let body = summary.json(options: options, version: core.version)
        if let pathVersion = call.pathVersion, pathVersion < 38 { return json(body) }
        switch summary.status {
        case .success:
            return message(WebMessage(200, status: "OK", message: "Import was successful.", response: body))
        case .warning where core.version.usesDataEntryRewrite:
            return message(
                WebMessage(
                    200,
                    status: "WARNING",
                    message: "Import completed with warnings, please check import summary.",
                    response: body
                )
            )
        case .warning:
            return message(
                WebMessage(
                    409,
                    status: "WARNING",
                    message: "One more conflicts encountered, please check import summary.",
                    response: body
                )
            )
        case .error:
            return message(
                WebMessage(
                    409,
                    status: "ERROR",
                    message: "An error occurred, please check import summary.",
                    response: body
                )
            )
        }
    }

    /// Starts a `DATAVALUE_IMPORT` job over a stored body and answers with the kick-off WebMessage (§2.7).
    private func startImportJob(_ bytes: [UInt8], options: ImportOptions, call: Call) -> Outcome {
        let type = "DATAVALUE_IMPORT"
        let (outcome, id) = kickOff(type: type, legacyName: "dataValueImport", parameters: options.json, call: call)
        let core = core
        let responder = self
        let username = call.username
        Task {
            let modern = core.version.ignoresPayloadTimestamps
            try? await Task.sleep(for: core.configuration.jobDelay)
            core.tasks.notify(type: type, id: id, modern ? "Data value set import" : "Process started")
            core.tasks.notify(type: type, id: id, modern ? "Importing data..." : "Importing data values")
            let chunks = [ByteBuffer(bytes: bytes)]
            let (summary, _) = await responder.runImport(
                AsyncChunks(chunks: chunks),
                options: options,
                username: username
            )
            try? await Task.sleep(for: core.configuration.jobDelay)
            let summaryJSON = summary.json(options: options, version: core.version)
            if let failure = summary.failure {
                core.tasks.setSummary(id: id, summaryJSON)
                core.tasks.notify(type: type, id: id, "Process failed: \(failure)", level: "ERROR", completed: true)
            } else if modern {
                // 2.41+ stores the summary only after the final notification: pollers must retry on empty.
                core.tasks.notify(type: type, id: id, summary.completionMessage, completed: true)
                try? await Task.sleep(for: core.configuration.jobDelay)
                core.tasks.setSummary(id: id, summaryJSON)
            } else {
                core.tasks.setSummary(id: id, summaryJSON)
                core.tasks.notify(type: type, id: id, "Import done", completed: true)
            }
        }
        return outcome
    }

    /// Registers a job and builds its kick-off answer: no `responseType`, `Location` to the notifier.
    func kickOff(type: String, legacyName: String, parameters: JSONValue?, call: Call) -> (Outcome, String) {
        let id = core.tasks.newUID()
        core.tasks.start(type: type, id: id)
        let modern = core.version.ignoresPayloadTimestamps
        let name = modern ? "\(type) (\(Timestamp.now().milliseconds % 1_000_000))" : legacyName
        var response = JSONObjectBuilder()
        response.add("name", name)
        response.add("id", id)
        response.add("created", Timestamp.now().isoNoZone)
        response.add("jobType", type)
        if modern {
            response.add("jobStatus", "SCHEDULED")
            if let parameters { response.add("jobParameters", parameters) }
        }
        response.add("relativeNotifierEndpoint", "/api/system/tasks/\(type)/\(id)")
        var headers = HTTPFields()
        headers[.location] = "\(call.baseURL)/api/system/tasks/\(type)/\(id)"
        let outcome = message(
            WebMessage(200, status: "OK", message: "Initiated \(name)", response: response.value),
            headers: headers
        )
        return (outcome, id)
    }
}

/// A finite async sequence of buffers (an async job's stored body).
struct AsyncChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunks: [ByteBuffer]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>

        mutating func next() async -> ByteBuffer? {
            remaining.popFirst()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunks[...]) }
}

/// Why an import body could not be read, as the summary's failure says it.
struct ImportBodyFailure: Error {
    var message: String

    init(_ message: String) { self.message = message }

    init(_ error: any Error) {
        switch error {
        case let failure as ImportBodyFailure: message = failure.message
        case let error as JSONStreamError: message = error.message
        case let error as GzipError: message = error.message
        default: message = "\(error)"
        }
    }
}
