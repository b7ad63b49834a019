import Metrics

/// The engine's metrics, through swift-metrics: no-ops until a process bootstraps a backend (`serve`
/// bootstraps Prometheus). Labels stay low-cardinality: pair names, kinds, states and error codes, never
/// UIDs or periods.
enum SyncMetrics {
    static func batch(pair: String, _ counts: SliceCounts, conflictCodes: [String]) {
        for (outcome, count) in [
            ("read", counts.valuesRead), ("imported", counts.imported), ("updated", counts.updated),
            ("ignored", counts.ignored), ("deleted", counts.deleted),
        ] where count > 0 {
            Counter(label: "dhis2_sync_values_total", dimensions: [("pair", pair), ("outcome", outcome)])
                .increment(by: count)
        }
        var byCode: [String: Int] = [:]
        for code in conflictCodes { byCode[code, default: 0] += 1 }
        for (code, count) in byCode {
            Counter(label: "dhis2_sync_conflicts_total", dimensions: [("pair", pair), ("code", code)])
                .increment(by: count)
        }
    }

    /// Values held back for want of a mapping: `dhis2_sync_values_total{outcome="quarantined"}`.
    static func quarantined(pair: String, count: Int) {
        guard count > 0 else { return }
        Counter(label: "dhis2_sync_values_total", dimensions: [("pair", pair), ("outcome", "quarantined")])
            .increment(by: count)
    }

    static func slice(pair: String, duration: Duration, failed: Bool) {
        Timer(label: "dhis2_sync_slice_duration_seconds", dimensions: [("pair", pair)])
            .recordSeconds(duration / .seconds(1))
        if failed {
            Counter(label: "dhis2_sync_slices_failed_total", dimensions: [("pair", pair)]).increment()
        }
    }

    static func retry(pair: String) {
        Counter(label: "dhis2_sync_slice_retries_total", dimensions: [("pair", pair)]).increment()
    }

    static func run(pair: String, kind: String, state: String, duration: Duration, finishedAt: Double) {
        Counter(label: "dhis2_sync_runs_total", dimensions: [("pair", pair), ("kind", kind), ("state", state)])
            .increment()
        Timer(label: "dhis2_sync_run_duration_seconds", dimensions: [("pair", pair), ("kind", kind)])
            .recordSeconds(duration / .seconds(1))
        if state == "done" {
            Gauge(label: "dhis2_sync_last_success_timestamp_seconds", dimensions: [("pair", pair)])
                .record(finishedAt)
        }
    }
}
