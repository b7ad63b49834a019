import CCurl
import Logging
import NIOCore

/// The loop thread's side of ``CurlMultiLoop``: the running transfers and everything that touches handles.
/// Created on, and only used by, the loop thread.
final class CurlWorker {
    private let multi: UnsafeMutableRawPointer
    private let loop: CurlMultiLoop
    private let logger: Logger
    private var transfers: [UInt64: TransferContext] = [:]

    init(multi: UnsafeMutableRawPointer, loop: CurlMultiLoop, logger: Logger) {
        self.multi = multi
        self.loop = loop
        self.logger = logger
    }

    var isIdle: Bool { self.transfers.isEmpty }

    func handle(_ command: CurlMultiLoop.Command) {
        switch command {
        case .start(let start):
            self.start(start)
        case .resumeReceive(let id):
            self.transfers[id]?.resumeReceive()
        case .resumeSend(let id):
            self.transfers[id]?.resumeSend()
        case .cancel(let id):
            // Unknown ids are normal: the body sequence reports termination after a transfer completed too.
            guard let context = self.transfers[id] else {
                return
            }
            context.logger.debug("HTTP transfer cancelled")
            self.teardown(context, outcome: context.error(code: .cancelled))
        }
    }

    func cancelAll() {
        for context in Array(self.transfers.values) {
            self.teardown(context, outcome: context.error(code: .cancelled, detail: "client shut down"))
        }
    }

    /// One round: let libcurl do all work that is ready, collect finished transfers, then sleep until a
    /// socket is ready, a libcurl timer is due, or `curl_multi_wakeup` is called.
    func performAndPoll() {
        var running: Int32 = 0
        let performResult = curl_multi_perform(self.multi, &running)
        if performResult != CURLM_OK {
            self.logger.debug("curl_multi_perform failed", metadata: ["curl.code": "\(performResult.rawValue)"])
        }
        self.collectFinished()
        var ready: Int32 = 0
        _ = curl_multi_poll(self.multi, nil, 0, 1000, &ready)
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else {
                continue
            }
            let result = message.pointee.data.result
            var pointer: UnsafeMutableRawPointer?
            _ = ccurl_getinfo_ptr(easy, CURLINFO_PRIVATE, &pointer)
            guard let pointer else {
                continue
            }
            let context = Unmanaged<TransferContext>.fromOpaque(pointer).takeUnretainedValue()
            if result == CURLE_OK {
                self.teardown(context, outcome: nil)
            } else {
                self.teardown(context, outcome: context.error(for: result))
            }
        }
    }

    // MARK: Start

    private func start(_ start: TransferStart) {
        guard let easy = curl_easy_init() else {
            Self.reject(start, code: .other, detail: "curl_easy_init failed")
            return
        }
        let context = TransferContext(start: start, easy: easy, liveTransfers: self.loop.liveTransfers)
        if let failure = self.configure(context, plan: start.plan, hasUpload: start.upload != nil) {
            curl_easy_cleanup(easy)
            curl_slist_free_all(context.headerList)
            context.uploadPipe?.close()
            context.uploadTask?.cancel()
            context.fail(failure)
            return
        }
        // The retain libcurl's userdata pointer stands for; released right after curl_easy_cleanup.
        context.retainedSelf = Unmanaged.passRetained(context)
        let addResult = curl_multi_add_handle(self.multi, easy)
        guard addResult == CURLM_OK else {
            self.transfers[context.id] = context
            self.teardown(context, outcome: context.error(code: .other, detail: "curl_multi_add_handle failed"))
            return
        }
        self.transfers[context.id] = context
        context.logger.debug(
            "HTTP request started",
            metadata: ["http.method": "\(context.method)", "http.url": "\(context.redactedURL)"]
        )
    }

    /// Applies the plan plus the pointer options. Returns the error to fail with, if any.
    private func configure(_ context: TransferContext, plan: EasyHandlePlan, hasUpload: Bool) -> HTTPClientError? {
        let easy = context.easy
        // First, so that failures of the options below are explained in it.
        _ = ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, context.errorBuffer)
        for setting in plan.settings {
            let result: CURLcode
            switch setting.value {
            case .long(let value):
                result = ccurl_setopt_long(easy, setting.option, value)
            case .string(let value):
                // libcurl copies string options (except POSTFIELDS, which is not used).
                result = ccurl_setopt_str(easy, setting.option, value)
            case .offset(let value):
                result = ccurl_setopt_off(easy, setting.option, curl_off_t(value))
            }
            guard result == CURLE_OK else {
                return context.error(for: result)
            }
        }
        for line in plan.headerLines {
            guard let list = curl_slist_append(context.headerList, line) else {
                return context.error(code: .other, detail: "out of memory building the header list")
            }
            context.headerList = list
        }
        // The list must outlive the transfer; it is freed in teardown.
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, context.headerList)

        let userdata = Unmanaged.passUnretained(context).toOpaque()
        _ = ccurl_setopt_ptr(easy, CURLOPT_PRIVATE, userdata)
        _ = ccurl_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION, CurlCallbacks.header)
        _ = ccurl_setopt_ptr(easy, CURLOPT_HEADERDATA, userdata)
        _ = ccurl_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION, CurlCallbacks.write)
        _ = ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, userdata)
        if hasUpload {
            _ = ccurl_setopt_data_cb(easy, CURLOPT_READFUNCTION, CurlCallbacks.read)
            _ = ccurl_setopt_ptr(easy, CURLOPT_READDATA, userdata)
        }
        return nil
    }

    private static func reject(_ start: TransferStart, code: HTTPClientError.Code, detail: String) {
        let error = HTTPClientError(code: code, method: start.method, url: start.redactedURL, detail: detail)
        if case .pipe(let pipe, let task) = start.upload {
            pipe.close()
            task.cancel()
        }
        start.continuation.resume(throwing: error)
        start.source.finish(error)
    }

    // MARK: Teardown

    /// Removes and frees the handle, then reports `outcome` (`nil` = success). The only place that ends a
    /// transfer that was added to the multi handle.
    private func teardown(_ context: TransferContext, outcome: HTTPClientError?) {
        self.transfers[context.id] = nil
        let elapsed = ContinuousClock.now - context.startedAt
        var metadata: Logger.Metadata = [
            "http.method": "\(context.method)",
            "http.url": "\(context.redactedURL)",
            "http.bytes_received": "\(context.bytesReceived)",
            "http.duration_ms": "\(EasyHandlePlan.milliseconds(elapsed))",
            "http.pauses": "\(context.pauseCount)",
        ]
        // Report first: completing a head may still read the response code from the handle.
        if let outcome {
            context.fail(outcome)
            metadata["http.error"] = "\(outcome.code)"
        } else {
            context.finish(result: CURLE_OK)
        }
        if let status = context.status {
            metadata["http.status"] = "\(status)"
        }
        context.logger.debug(outcome == nil ? "HTTP transfer finished" : "HTTP transfer failed", metadata: metadata)

        curl_multi_remove_handle(self.multi, context.easy)
        curl_easy_cleanup(context.easy)
        curl_slist_free_all(context.headerList)
        context.headerList = nil
        context.uploadPipe?.close()
        context.uploadTask?.cancel()
        context.retainedSelf?.release()
        context.retainedSelf = nil
    }
}
