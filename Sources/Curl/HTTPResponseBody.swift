import NIOCore
import Synchronization

/// The body of an ``HTTPStreamingResponse``: an async sequence of byte chunks (each at most 16 KiB, libcurl's
/// `CURL_MAX_WRITE_SIZE`), already decoded if the server used gzip or deflate.
///
/// Backpressure is real: when the consumer falls behind, a bounded number of chunks is buffered and libcurl
/// is paused, so the server is not read any further until the consumer catches up. The sequence ends with an
/// ``HTTPClientError`` if the transfer fails part-way (timeout, reset, truncated body); it never ends silently short.
///
/// It can be iterated once. Cancelling the iterating task, or dropping the sequence, aborts the transfer.
public struct HTTPResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    typealias Producer = NIOThrowingAsyncSequenceProducer<
        [UInt8], any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BodyDelegate
    >

    private let producer: Producer
    let completion: Completion
    let method: String
    let redactedURL: String

    init(producer: Producer, method: String, redactedURL: String) {
        self.producer = producer
        self.completion = Completion()
        self.method = method
        self.redactedURL = redactedURL
    }

    /// A body that replays `chunks` and then ends, or fails with `failure`: for test doubles of code that
    /// consumes ``HTTPStreamingResponse``.
    public init(chunks: [[UInt8]], failure: (any Error)? = nil) {
        let sequence = Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 1, highWatermark: Swift.max(1, chunks.count)),
            finishOnDeinit: true,
            delegate: BodyDelegate(loop: nil, transferID: 0)
        )
        _ = sequence.source.yield(contentsOf: chunks)
        self.init(producer: sequence.sequence, method: "-", redactedURL: "-")
        if let failure {
            sequence.source.finish(failure)
        } else {
            self.completion.markComplete()
            sequence.source.finish()
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        private var inner: Producer.AsyncIterator
        private let completion: Completion
        private let method: String
        private let redactedURL: String

        init(inner: Producer.AsyncIterator, body: HTTPResponseBody) {
            self.inner = inner
            self.completion = body.completion
            self.method = body.method
            self.redactedURL = body.redactedURL
        }

        public mutating func next() async throws -> [UInt8]? {
            let chunk: [UInt8]?
            do {
                chunk = try await self.inner.next()
            } catch is CancellationError {
                throw HTTPClientError(code: .cancelled, method: self.method, url: self.redactedURL)
            }
            // The end counts only if the transfer said so; any other end must not pass for a complete body.
            if chunk == nil && !self.completion.isComplete {
                throw HTTPClientError(code: .cancelled, method: self.method, url: self.redactedURL)
            }
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: self.producer.makeAsyncIterator(), body: self)
    }

    /// Set by the curl thread just before it finishes the sequence after a successful transfer.
    final class Completion: Sendable {
        private let flag = Atomic<Bool>(false)

        var isComplete: Bool { self.flag.load(ordering: .acquiring) }

        func markComplete() {
            self.flag.store(true, ordering: .releasing)
        }
    }

    /// Reads the whole body into memory.
    ///
    /// - Parameter maximumSize: The largest body accepted. A larger one aborts the transfer as soon as the limit
    ///   is crossed.
    /// - Throws: ``HTTPClientError`` with ``HTTPClientError/Code/bodyTooLarge``, or whatever the transfer failed with.
    public func collect(upTo maximumSize: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        for try await chunk in self {
            guard result.count + chunk.count <= maximumSize else {
                throw HTTPClientError(
                    code: .bodyTooLarge,
                    method: self.method,
                    url: self.redactedURL,
                    detail: "response body exceeds \(maximumSize) bytes"
                )
            }
            result.append(contentsOf: chunk)
        }
        return result
    }
}

/// Connects the body sequence's demand to the transfer: both callbacks arrive on arbitrary threads, so they
/// only post commands; the curl thread does the actual (un)pausing and teardown.
struct BodyDelegate: NIOAsyncSequenceProducerDelegate {
    /// `nil` for bodies not backed by a transfer.
    let loop: CurlMultiLoop?
    let transferID: UInt64

    func produceMore() {
        self.loop?.submit(.resumeReceive(self.transferID))
    }

    func didTerminate() {
        // Also fires after a normal end; the curl thread ignores commands for transfers that are gone.
        self.loop?.submit(.cancel(self.transferID))
    }
}
