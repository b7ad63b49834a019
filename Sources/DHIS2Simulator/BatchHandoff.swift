/// Hands decoded batches from the task reading a request body to the task applying them, at most
/// `capacity` batches ahead: decoding and applying then run on both cores, and memory stays bounded by
/// the few batches in flight.
actor BatchHandoff<Element: Sendable> {
    private let capacity: Int
    private var queue: [Element] = []
    private var finished = false
    private var taker: CheckedContinuation<Element?, Never>?
    private var putter: CheckedContinuation<Void, Never>?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits while `capacity` batches are queued.
    func put(_ element: Element) async {
        while queue.count >= capacity {
            await withCheckedContinuation { putter = $0 }
        }
        if let waiting = taker {
            taker = nil
            waiting.resume(returning: element)
        } else {
            queue.append(element)
        }
    }

    /// The next batch, or nil once `finish()` was called and the queue is empty.
    func take() async -> Element? {
        if !queue.isEmpty {
            let element = queue.removeFirst()
            putter?.resume()
            putter = nil
            return element
        }
        if finished { return nil }
        return await withCheckedContinuation { taker = $0 }
    }

    /// No more batches: a waiting taker gets nil.
    func finish() {
        finished = true
        taker?.resume(returning: nil)
        taker = nil
    }
}
