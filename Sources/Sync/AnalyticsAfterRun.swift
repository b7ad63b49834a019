import DHIS2
import DHIS2Periods
import Logging

/// The after-run analytics refresh of a pair (`pair add --refresh-analytics`): once a run has changed data at
/// the destination, its analytics tables are regenerated for the years the run touched, and the outcome is
/// kept with the run.
///
/// A refresh that fails does not fail the run: the values are delivered either way, and the outcome says
/// what an operator has to look at.
struct AnalyticsAfterRun: Sendable {
    /// How the refresh went, as stored in `runs.analytics_outcome`.
    enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The job completed; its last notification's message.
        case completed(String)
        /// The job ended at level ERROR; its message.
        case failed(String)
        /// The refresh could not be started or followed.
        case error(String)
        /// Not attempted, and why.
        case skipped(String)

        var description: String {
            switch self {
            case .completed(let message): "completed: \(message)"
            case .failed(let message): "failed: \(message)"
            case .error(let message): "error: \(message)"
            case .skipped(let reason): "skipped: \(reason)"
            }
        }
    }

    /// How long a refresh may take before the run stops waiting; the job itself goes on.
    var timeout: Duration
    var pollInterval: Duration
    let logger: Logger

    /// Whether a run with these totals warrants a refresh: only when it wrote something at the destination.
    static func isWanted(_ pair: Pair, counts: SliceCounts, cancelled: Bool, dryRun: Bool) -> Bool {
        pair.refreshAnalytics && !cancelled && !dryRun && counts.imported + counts.updated + counts.deleted > 0
    }

    /// `lastYears` for the refresh: from the window's first year up to this one, so a backlog of an old
    /// year regenerates that year and a run of this year only this one. DHIS2 counts the current year as 1.
    static func lastYears(window: PeriodWindow, today: CalendarDate) -> Int {
        max(1, today.year - window.range.lowerBound.year + 1)
    }

    /// Starts the refresh on the destination and waits for it to end.
    func refresh(_ destination: DHIS2Client, lastYears: Int) async -> Outcome {
        let job: JobReference
        do {
            job = try await destination.startAnalyticsRefresh(AnalyticsTableOptions(lastYears: lastYears))
        } catch {
            // DHIS2 runs one analytics job at a time: someone else's job covers our values too, if it
            // started after they arrived, which we cannot know; saying so is all we can do.
            if error.code == .conflict {
                return .skipped("an analytics job was already running on the destination (\(error.detail))")
            }
            return .error(error.description)
        }
        logger.info(
            "refreshing analytics on the destination for the last \(lastYears) year(s)",
            metadata: ["job": "\(job.id)"]
        )
        do {
            let end = try await destination.awaitCompletion(job, interval: pollInterval, timeout: timeout)
            let message = end.message ?? ""
            return end.isFailure ? .failed(message) : .completed(message)
        } catch {
            return .error(error.description)
        }
    }
}
