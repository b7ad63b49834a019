import Foundation
import Logging
import Sync
import Synchronization

/// Shows a run's progress: a live line on a terminal, a log line every few seconds otherwise.
final class ProgressDisplay: Sendable {
    private struct State {
        var lastShown: ContinuousClock.Instant?
        var shownOnTerminal = false
    }

    private let state = Mutex(State())
    private let terminal = isatty(STDERR_FILENO) == 1
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func show(_ progress: SyncRunner.Progress) {
        let now = ContinuousClock.now
        let interval: Duration = terminal ? .milliseconds(200) : .seconds(10)
        let finished = progress.slicesDone + progress.slicesFailed == progress.slicesTotal
        let due = state.withLock { state -> Bool in
            if let last = state.lastShown, now - last < interval, !finished { return false }
            state.lastShown = now
            if terminal { state.shownOnTerminal = true }
            return true
        }
        guard due else { return }
        let line = Self.line(progress)
        if terminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        } else {
            logger.info("\(line)", metadata: ["pair": "\(progress.pair)"])
        }
    }

    /// Ends the live line so what follows starts on its own.
    func finish() {
        if state.withLock({ $0.shownOnTerminal }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func line(_ progress: SyncRunner.Progress) -> String {
        let seconds = max(0.001, progress.elapsed / .seconds(1))
        let rate = Double(progress.valuesRead) / seconds
        let finished = progress.slicesDone + progress.slicesFailed
        var line = "\(progress.pair): slices \(progress.slicesDone)/\(progress.slicesTotal)"
        if progress.slicesFailed > 0 { line += " (\(progress.slicesFailed) failed)" }
        line += ", \(progress.valuesRead) values, \(Int(rate)) values/s"
        if finished > 0 && finished < progress.slicesTotal {
            let remaining = seconds / Double(finished) * Double(progress.slicesTotal - finished)
            line += ", ETA \(Self.clock(remaining))"
        }
        return line
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}

/// Turns SIGINT and SIGTERM into a cancellation while installed; the default handling returns on stop.
final class SignalCancellation {
    private let sources: [any DispatchSourceSignal]

    init(_ cancel: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: cancel)
            source.resume()
            return source
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
