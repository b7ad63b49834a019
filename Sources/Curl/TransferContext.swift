import CCurl
import Logging
import NIOCore

/// The state of one transfer. Confined to the curl thread: libcurl's callbacks reach it through the
/// userdata pointer, which holds one retain (`retainedSelf`) for exactly as long as the easy handle lives.
final class TransferContext {
    let id: UInt64
    let easy: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
    var retainedSelf: Unmanaged<TransferContext>?

    private var headParser: ResponseHeadParser
    private var headContinuation: CheckedContinuation<HTTPStreamingResponse, any Error>?
    private var pendingBody: HTTPResponseBody?
    private let source: HTTPResponseBody.Producer.Source
    private let completion: HTTPResponseBody.Completion

    private var uploadBytes: [UInt8] = []
    private var uploadOffset = 0
    let uploadPipe: UploadPipe?
    let uploadTask: Task<Void, Never>?

    /// The consumer's buffer passed the high-water mark: the next write callback answers PAUSE.
    private var wantsReceivePause = false
    private(set) var isReceivePaused = false
    private(set) var isSendPaused = false
    /// The body sequence was terminated by its consumer; libcurl's resulting write error means "cancelled".
    private(set) var consumerGone = false
    /// A failure we detected ourselves, which explains libcurl's (less specific) result code.
    var localFailure: HTTPClientError?

    let method: String
    let redactedURL: String
    private let secrets: [String]
    let logger: Logger
    let startedAt = ContinuousClock.now
    private(set) var bytesReceived = 0
    private(set) var pauseCount = 0

    private let liveTransfers: LiveCounter

    init(start: TransferStart, easy: UnsafeMutableRawPointer, liveTransfers: LiveCounter) {
        self.id = start.id
        self.liveTransfers = liveTransfers
        liveTransfers.increment()
        self.easy = easy
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        self.headParser = ResponseHeadParser(followsRedirects: start.followsRedirects)
        self.headContinuation = start.continuation
        self.pendingBody = start.body
        self.completion = start.body.completion
        self.source = start.source
        switch start.upload {
        case .bytes(let bytes):
            self.uploadBytes = bytes
            self.uploadPipe = nil
            self.uploadTask = nil
        case .pipe(let pipe, let task):
            self.uploadPipe = pipe
            self.uploadTask = task
        case nil:
            self.uploadPipe = nil
            self.uploadTask = nil
        }
        self.method = start.method
        self.redactedURL = start.redactedURL
        self.secrets = start.secrets
        self.logger = start.logger
    }

    deinit {
        self.errorBuffer.deallocate()
        self.liveTransfers.decrement()
    }

    var pauseMask: Int32 {
        (self.isReceivePaused ? CURLPAUSE_RECV : 0) | (self.isSendPaused ? CURLPAUSE_SEND : 0)
    }

    // MARK: libcurl callbacks

    /// Header callback: one complete header line per call.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if self.headParser.consume(line: Substring(line)) {
            self.deliverHead()
        }
    }

    /// Write callback. Returns what libcurl expects: the byte count, `CURL_WRITEFUNC_PAUSE`, or 0 to abort.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if self.wantsReceivePause {
            // libcurl keeps this chunk and delivers it again after unpausing.
            self.isReceivePaused = true
            self.pauseCount += 1
            return Int(ccurl_writefunc_pause())
        }
        if !self.headParser.isComplete {
            self.completeHeadFromHandle()
        }
        guard !bytes.isEmpty else {
            return 0
        }
        self.bytesReceived += bytes.count
        switch self.source.yield(Array(bytes)) {
        case .produceMore:
            break
        case .stopProducing:
            self.wantsReceivePause = true
        case .dropped:
            self.consumerGone = true
            return 0
        }
        return bytes.count
    }

    /// Read callback. Returns the byte count, 0 at the end, `CURL_READFUNC_PAUSE` or `CURL_READFUNC_ABORT`.
    func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let pipe = self.uploadPipe else {
            let count = min(buffer.count, self.uploadBytes.count - self.uploadOffset)
            guard count > 0 else {
                return 0
            }
            self.uploadBytes.withUnsafeBytes { source in
                let slice = UnsafeRawBufferPointer(rebasing: source[self.uploadOffset..<(self.uploadOffset + count)])
                UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]).copyMemory(from: slice)
            }
            self.uploadOffset += count
            return count
        }
        switch pipe.read(into: buffer) {
        case .bytes(let count):
            return count
        case .wouldBlock:
            self.isSendPaused = true
            return Int(ccurl_readfunc_pause())
        case .end:
            return 0
        case .failed(let failure):
            self.localFailure = self.error(for: failure)
            return Int(ccurl_readfunc_abort())
        }
    }

    // MARK: Commands from other threads (applied on the curl thread)

    func resumeReceive() {
        self.wantsReceivePause = false
        guard self.isReceivePaused else {
            return
        }
        self.isReceivePaused = false
        // May call the write callback right away with the held-back chunk.
        curl_easy_pause(self.easy, self.pauseMask)
    }

    func resumeSend() {
        guard self.isSendPaused else {
            return
        }
        self.isSendPaused = false
        curl_easy_pause(self.easy, self.pauseMask)
    }

    // MARK: Completion

    /// Delivers the outcome to whoever waits: the `execute` caller if the head is not out yet, else the
    /// body consumer.
    func finish(result: CURLcode) {
        if result == CURLE_OK {
            if self.headContinuation != nil {
                self.completeHeadFromHandle()
            }
            self.completion.markComplete()
            self.source.finish()
            return
        }
        let error = self.error(for: result)
        self.fail(error)
    }

    func fail(_ error: HTTPClientError) {
        if let continuation = self.headContinuation {
            self.headContinuation = nil
            self.pendingBody = nil
            continuation.resume(throwing: error)
        }
        self.source.finish(error)
    }

    var status: Int? { self.headParser.status }

    func error(for result: CURLcode) -> HTTPClientError {
        if let localFailure = self.localFailure {
            return localFailure
        }
        var code = HTTPClientError.Code(curlCode: result)
        if self.consumerGone && result == CURLE_WRITE_ERROR {
            code = .cancelled
        }
        // The error buffer has the specific text; curl_easy_strerror is the generic fallback.
        let message =
            self.errorBuffer.pointee != 0
            ? String(cString: self.errorBuffer) : String(cString: curl_easy_strerror(result))
        return HTTPClientError(
            code: code,
            method: self.method,
            url: self.redactedURL,
            curlCode: Int(result.rawValue),
            curlMessage: URLRedaction.scrub(message, secrets: self.secrets)
        )
    }

    func error(code: HTTPClientError.Code, detail: String? = nil) -> HTTPClientError {
        HTTPClientError(code: code, method: self.method, url: self.redactedURL, detail: detail)
    }

    private func error(for failure: UploadPipe.Failure) -> HTTPClientError {
        switch failure {
        case .producer(let underlying):
            return HTTPClientError(
                code: .uploadFailed,
                method: self.method,
                url: self.redactedURL,
                detail: "request body producer threw",
                underlying: underlying
            )
        case .tooLong(let declared):
            return self.error(code: .invalidRequest, detail: "request body longer than declared \(declared) bytes")
        case .tooShort(let declared, let actual):
            return self.error(
                code: .invalidRequest,
                detail: "request body has \(actual) bytes, declared \(declared)"
            )
        }
    }

    private func completeHeadFromHandle() {
        var code = 0
        _ = ccurl_getinfo_long(self.easy, CURLINFO_RESPONSE_CODE, &code)
        self.headParser.forceComplete(fallbackStatus: code)
        self.deliverHead()
    }

    private func deliverHead() {
        guard let continuation = self.headContinuation, let body = self.pendingBody else {
            return
        }
        self.headContinuation = nil
        self.pendingBody = nil
        let status = self.headParser.status ?? 0
        self.logger.debug("HTTP response head", metadata: ["http.status": "\(status)"])
        continuation.resume(
            returning: HTTPStreamingResponse(status: status, headers: self.headParser.headers, body: body)
        )
    }
}
