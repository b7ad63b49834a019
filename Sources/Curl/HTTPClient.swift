import Logging
import NIOCore

/// An HTTP/1.1 client over libcurl's multi interface.
///
/// One dedicated thread drives all transfers of a client; callers never block Swift's cooperative pool.
/// Response bodies stream with backpressure (a slow consumer pauses the transfer), request bodies can be
/// produced lazily, and cancelling the awaiting or consuming task aborts the transfer.
///
/// Policy that is not configurable: TLS verification is always on, only `http` and `https` URLs are
/// accepted, `Accept-Encoding` offers what libcurl can decode, and HTTP/1.1 is used (a paused HTTP/2 stream
/// in libcurl 7.88 still receives, and buffers, up to the 32 MiB window already granted to it).
/// Redirects are not followed unless ``Configuration/followRedirects`` is set.
///
/// ```swift
/// let client = HTTPClient(configuration: .init(), logger: logger)
/// let response = try await client.execute(HTTPClientRequest(url: "https://example.org/api/x"))
/// for try await chunk in response.body { … }
/// ```
///
/// Dropping the last reference lets running transfers finish and then stops the thread; ``shutdown()``
/// cancels them instead and waits for the thread to exit.
public final class HTTPClient: Sendable {
    public let configuration: Configuration
    private let logger: Logger
    let loop: CurlMultiLoop

    /// Starts the client's curl thread.
    ///
    /// Traps if libcurl cannot be initialised or the thread cannot be created: both mean the process is out
    /// of memory or threads, and no request could work.
    ///
    /// - Parameters:
    ///   - configuration: Timeouts, TLS trust, limits.
    ///   - logger: Used for per-transfer debug/trace messages (never header values or URL credentials).
    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.loop = CurlMultiLoop(logger: logger)
        self.loop.startThread()
    }

    deinit {
        self.loop.stopWhenIdle()
    }

    /// Cancels every running transfer (their callers see ``HTTPClientError/Code/cancelled``) and waits for the curl
    /// thread to exit. Requests made afterwards fail with ``HTTPClientError/Code/shutdown``.
    public func shutdown() async {
        await self.loop.shutdown()
    }

    /// Sends a request and returns as soon as the response head has arrived; the body streams.
    ///
    /// - Parameters:
    ///   - request: Method, URL, query and headers.
    ///   - body: The request body, if any.
    ///   - logger: Overrides the client's logger for this request.
    /// - Returns: Status, headers and the body as an async sequence of chunks.
    /// - Throws: ``HTTPClientError``. Cancelling the calling task aborts the transfer with
    ///   ``HTTPClientError/Code/cancelled``.
    public func execute(
        _ request: HTTPClientRequest,
        body: HTTPClientRequest.Body? = nil,
        logger: Logger? = nil
    ) async throws -> HTTPStreamingResponse {
        let url = request.effectiveURL
        let method = request.method.rawValue
        let redactedURL = URLRedaction.redact(url)
        let plan: EasyHandlePlan
        do {
            plan = try EasyHandlePlan.make(
                request: request,
                bodyLength: body.map { $0.length },
                configuration: self.configuration
            )
        } catch {
            throw HTTPClientError(code: .invalidRequest, method: method, url: redactedURL, detail: error.message)
        }
        if Task.isCancelled {
            throw HTTPClientError(code: .cancelled, method: method, url: redactedURL)
        }

        let loop = self.loop
        let id = loop.makeTransferID()
        var logger = logger ?? self.logger
        logger[metadataKey: "http.transfer"] = "\(id)"

        // Chunks are at most CURL_MAX_WRITE_SIZE (16 KiB); the watermarks count chunks.
        let highWatermark = max(2, self.configuration.responseBufferSize / 16_384)
        let sequence = HTTPResponseBody.Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: max(1, highWatermark / 4), highWatermark: highWatermark),
            finishOnDeinit: true,
            delegate: BodyDelegate(loop: loop, transferID: id)
        )
        let source = sequence.source
        let responseBody = HTTPResponseBody(producer: sequence.sequence, method: method, redactedURL: redactedURL)

        let upload: TransferStart.Upload?
        switch body?.storage {
        case .bytes(let bytes):
            upload = .bytes(bytes)
        case .stream(let length, let pump):
            let pipe = UploadPipe(
                declaredLength: length,
                highWater: self.configuration.uploadBufferSize,
                wakeReader: { loop.submit(.resumeSend(id)) }
            )
            let producer = Task {
                do {
                    try await pump(pipe)
                    pipe.finish(error: nil)
                } catch {
                    pipe.finish(error: error)
                }
            }
            upload = .pipe(pipe, producer: producer)
        case nil:
            upload = nil
        }

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let start = TransferStart(
                    id: id,
                    plan: plan,
                    upload: upload,
                    source: source,
                    body: responseBody,
                    continuation: continuation,
                    followsRedirects: self.configuration.followRedirects,
                    method: method,
                    redactedURL: redactedURL,
                    secrets: URLRedaction.secrets(in: url),
                    logger: logger
                )
                guard loop.submit(.start(start)) else {
                    if case .pipe(let pipe, let producer) = upload {
                        pipe.close()
                        producer.cancel()
                    }
                    let error = HTTPClientError(code: .shutdown, method: method, url: redactedURL)
                    source.finish(error)
                    continuation.resume(throwing: error)
                    return
                }
                // The cancellation handler may have run before the start was queued, and then found nothing.
                if Task.isCancelled {
                    loop.submit(.cancel(id))
                }
            }
        } onCancel: {
            loop.submit(.cancel(id))
        }
    }

    /// Sends a request and collects the whole response body: for small API calls.
    ///
    /// - Parameters:
    ///   - maximumBodySize: Larger bodies fail with ``HTTPClientError/Code/bodyTooLarge``; defaults to
    ///     ``Configuration/maximumCollectedBodySize``.
    /// - Throws: ``HTTPClientError``.
    public func send(
        _ request: HTTPClientRequest,
        body: HTTPClientRequest.Body? = nil,
        maximumBodySize: Int? = nil,
        logger: Logger? = nil
    ) async throws -> HTTPClientResponse {
        let limit = maximumBodySize ?? self.configuration.maximumCollectedBodySize
        let response = try await self.execute(request, body: body, logger: logger)
        // Without Content-Encoding the announced length is the body length: refuse before reading it.
        if !response.headers.contains(name: "Content-Encoding"),
            let length = response.headers.first(name: "Content-Length").flatMap({ Int($0) }),
            length > limit
        {
            throw HTTPClientError(
                code: .bodyTooLarge,
                method: request.method.rawValue,
                url: URLRedaction.redact(request.url),
                detail: "response body of \(length) bytes exceeds \(limit) bytes"
            )
        }
        let bytes = try await response.body.collect(upTo: limit)
        return HTTPClientResponse(status: response.status, headers: response.headers, body: bytes)
    }
}
