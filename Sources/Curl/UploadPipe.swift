import NIOCore
import Synchronization

/// Hands request-body chunks from the producer task to libcurl's read callback on the curl thread.
///
/// Backpressure both ways: the writer suspends while more than `highWater` bytes wait; the reader, finding
/// nothing, marks itself waiting and the read callback answers `CURL_READFUNC_PAUSE`; the next write then
/// calls `wakeReader`, which unpauses the transfer on the curl thread.
final class UploadPipe: Sendable {
    enum ReadResult {
        case bytes(Int)
        case wouldBlock
        case end
        case failed(Failure)
    }

    enum Failure: Error {
        case producer(any Error)
        case tooLong(declared: Int)
        case tooShort(declared: Int, actual: Int)
    }

    /// Thrown to the writer once the transfer is over; the producer task then stops.
    struct Closed: Error {}

    private struct State {
        var chunks = CircularBuffer<[UInt8]>()
        var headOffset = 0
        var buffered = 0
        var written = 0
        var finished = false
        var failure: Failure?
        var closed = false
        var readerWaiting = false
        var writer: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())
    private let declaredLength: Int?
    private let highWater: Int
    private let lowWater: Int
    private let wakeReader: @Sendable () -> Void

    init(declaredLength: Int?, highWater: Int, wakeReader: @escaping @Sendable () -> Void) {
        self.declaredLength = declaredLength
        self.highWater = max(1, highWater)
        self.lowWater = max(0, highWater / 4)
        self.wakeReader = wakeReader
    }

    /// Called by the producer task. Suspends while the buffer is above the high-water mark.
    func write(_ chunk: [UInt8]) async throws {
        guard !chunk.isEmpty else {
            return
        }
        let (wake, mustWait) = try self.state.withLock { state -> (Bool, Bool) in
            if state.closed || state.finished {
                throw Closed()
            }
            state.written += chunk.count
            if let declared = self.declaredLength, state.written > declared {
                state.failure = .tooLong(declared: declared)
                state.finished = true
                state.chunks.removeAll()
                state.buffered = 0
                defer { state.readerWaiting = false }
                return (state.readerWaiting, false)
            }
            state.chunks.append(chunk)
            state.buffered += chunk.count
            defer { state.readerWaiting = false }
            return (state.readerWaiting, state.buffered > self.highWater)
        }
        if wake {
            self.wakeReader()
        }
        if mustWait {
            try await self.waitForRoom()
        }
    }

    private func waitForRoom() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = self.state.withLock { state in
                    if state.closed {
                        return .failure(Closed())
                    }
                    if Task.isCancelled {
                        return .failure(CancellationError())
                    }
                    if state.buffered <= self.lowWater {
                        return .success(())
                    }
                    state.writer = continuation
                    return nil
                }
                if let immediate {
                    continuation.resume(with: immediate)
                }
            }
        } onCancel: {
            self.state.withLock { state in
                defer { state.writer = nil }
                return state.writer
            }?.resume(throwing: CancellationError())
        }
    }

    /// Called when the producer ended, normally (`error == nil`) or by throwing.
    func finish(error: (any Error)?) {
        let wake = self.state.withLock { state -> Bool in
            guard !state.closed, !state.finished else {
                return false
            }
            state.finished = true
            if let error {
                state.failure = .producer(error)
            } else if let declared = self.declaredLength, state.written < declared {
                state.failure = .tooShort(declared: declared, actual: state.written)
            }
            defer { state.readerWaiting = false }
            return state.readerWaiting
        }
        if wake {
            self.wakeReader()
        }
    }

    /// Called on the curl thread by the read callback.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        let (result, writer) = self.state.withLock { state -> (ReadResult, CheckedContinuation<Void, any Error>?) in
            if let failure = state.failure {
                return (.failed(failure), nil)
            }
            if state.buffered == 0 {
                if state.finished {
                    return (.end, nil)
                }
                state.readerWaiting = true
                return (.wouldBlock, nil)
            }
            var copied = 0
            while copied < buffer.count, let first = state.chunks.first {
                let count = min(first.count - state.headOffset, buffer.count - copied)
                first.withUnsafeBytes { source in
                    let slice = UnsafeRawBufferPointer(rebasing: source[state.headOffset..<(state.headOffset + count)])
                    UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<(copied + count)]).copyMemory(from: slice)
                }
                copied += count
                state.headOffset += count
                if state.headOffset == first.count {
                    state.chunks.removeFirst()
                    state.headOffset = 0
                }
            }
            state.buffered -= copied
            var writer: CheckedContinuation<Void, any Error>?
            if state.buffered <= self.lowWater {
                writer = state.writer
                state.writer = nil
            }
            return (.bytes(copied), writer)
        }
        writer?.resume()
        return result
    }

    /// Called on the curl thread when the transfer is over: frees buffered chunks and stops the producer.
    func close() {
        let writer = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.closed = true
            state.chunks.removeAll()
            state.buffered = 0
            defer { state.writer = nil }
            return state.writer
        }
        writer?.resume(throwing: Closed())
    }
}
