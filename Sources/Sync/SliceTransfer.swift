import DHIS2
import JSONStream
import Logging

/// Moves one slice: the source's export streamed into batches, each posted to the destination.
///
/// At most one batch of values is held: while a batch is being imported, the export's transfer is
/// paused by backpressure. The slice succeeds only when every batch was acknowledged.
struct SliceTransfer: Sendable {
    let pair: Pair
    let source: DHIS2Client
    let destination: DHIS2Client
    /// Middleware mode: batches are posted here instead of imported into ``destination``.
    var middleware: MiddlewareClient?
    let dryRun: Bool
    /// Set for an incremental run: slices without periods read this date range, changed since a time.
    var incremental: IncrementalScope?
    /// The pair's confirmed id mappings; identity when it has none.
    var translator = ValueTranslator.identity
    let logger: Logger

    /// What an incremental slice exports: every period inside `startDate…endDate` (2.43 refuses
    /// `lastUpdated` alone, dhis2-core#24465), changed at or after the data set's `lastUpdated`.
    struct IncrementalScope: Sendable {
        var startDate: String
        var endDate: String
        /// Per data set; a data set without a watermark yet reads its whole range.
        var lastUpdated: [String: String]
    }

    /// One acknowledged batch.
    struct Batch: Sendable {
        var counts: SliceCounts
        var conflicts: [RunLedger.Conflict]
        /// Middleware mode: the middleware's answer; its counts are the values it accepted.
        var middleware: MiddlewareClient.Answer?
    }

    /// A slice that cannot complete; the message is for the ledger and the operator.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the slice; `acknowledged` sees every batch after the destination answered it, `quarantined`
    /// the values an unmapped id kept back (never sent).
    func run(
        _ slice: SliceKey,
        dataSet: PairCatalog.StoredDataSet,
        acknowledged: (Batch) async throws -> Void,
        quarantined: ([MappingStore.Quarantined]) async throws -> Void = { _ in }
    ) async throws -> Int {
        let query = Self.exportQuery(slice, pair: pair, incremental: incremental)

        var options = DataValueImportOptions()
        options.importStrategy = "CREATE_AND_UPDATE"
        options.dryRun = dryRun
        var header = DataValueSetHeader()
        switch pair.idScheme {
        case .uid:
            header.dataSet = dataSet.uid
        case .code:
            options.idScheme = "CODE"
            guard let code = dataSet.code else {
                throw Failure(description: "data set \(dataSet.uid) has no code, but the pair's id scheme is CODE")
            }
            header.dataSet = code
        }
        // Ids are translated before a value enters a batch; an unmapped data set holds back the whole slice.
        let sourceDataSet = header.dataSet ?? dataSet.uid
        var unmappedDataSet: ValueTranslator.Unmapped?
        do {
            header.dataSet = try translator.translate(sourceDataSet, .dataSet)
        } catch {
            unmappedDataSet = error
        }
        var held: [MappingStore.Quarantined] = []
        func hold(_ value: DataValue, _ reason: ValueTranslator.Unmapped) {
            held.append(MappingStore.Quarantined(dataSet: sourceDataSet, value: value, reason: reason.description))
        }

        let batchSize = pair.batchSize
        let forwardDeletions = pair.deletionPolicy == .propagate
        // Deletions travel in their own importStrategy=DELETE batches (dhis2-api.md §2.6): a DELETE of a
        // value the destination never had, or already deleted, is `ignored`, whereas an inline
        // `"deleted": true` under CREATE_AND_UPDATE writes a fresh tombstone (counted `imported`) on every
        // run, so a rerun would never come back clean.
        var deleteOptions = options
        deleteOptions.importStrategy = "DELETE"
        // A batch is held as the request body it becomes (about 200 bytes a value), not as decoded values
        // as well; the few values a conflict points at are read back from that body.
        func newBatch() -> DataValueSetWriter {
            DataValueSetWriter(header: header, omitting: [.created, .lastUpdated])
        }
        var upserts = newBatch()
        var deletions = newBatch()
        var read = 0
        var posted = 0

        func flush(_ batch: inout DataValueSetWriter, _ options: DataValueImportOptions) async throws {
            let count = batch.valueCount
            guard count > 0 else { return }
            batch.finish()
            let body = batch.takeAll()
            batch = newBatch()
            if let middleware {
                posted += 1
                let answer = await middleware.post(
                    body,
                    valueCount: count,
                    batchNumber: posted,
                    query: middleware.query(slice, dataSet: header.dataSet ?? dataSet.uid, options: options),
                    importStrategy: options.importStrategy
                )
                let counts = SliceCounts(valuesRead: count)
                try await acknowledged(Batch(counts: counts, conflicts: [], middleware: answer))
                guard answer.accepted else {
                    throw Failure(description: "the middleware refused a batch of \(count) values: \(answer.summary)")
                }
                return
            }
            let summary = try await destination.importDataValueSet(body, options: options)
            let conflicts = Self.ledgerConflicts(summary, body: body)
            var counts = SliceCounts(valuesRead: count)
            counts.imported = summary.importCount.imported
            counts.updated = summary.importCount.updated
            counts.ignored = summary.importCount.ignored
            counts.deleted = summary.importCount.deleted
            counts.conflicts = conflicts.count
            try await acknowledged(Batch(counts: counts, conflicts: conflicts))
            if summary.committedNothing {
                let reason = summary.conflictRows.first.map { "\($0.errorCode ?? "") \($0.message)" }
                throw Failure(
                    description: "the destination refused a whole batch of \(count) values: "
                        + "\(summary.description ?? "import aborted")\(reason.map { " (\($0))" } ?? "")"
                )
            }
        }

        try await source.exportDataValues(query) { values in
            for var value in values {
                read += 1
                if let unmappedDataSet {
                    hold(value, unmappedDataSet)
                    continue
                }
                if !translator.isIdentity {
                    do throws(ValueTranslator.Unmapped) {
                        value = try translator.translate(value)
                    } catch {
                        hold(value, error)
                        continue
                    }
                }
                if value.deleted == true {
                    if forwardDeletions { deletions.append(value) }
                } else {
                    upserts.append(value)
                }
            }
            if upserts.valueCount >= batchSize { try await flush(&upserts, options) }
            if deletions.valueCount >= batchSize { try await flush(&deletions, deleteOptions) }
            if held.count >= batchSize {
                try await quarantined(held)
                held.removeAll(keepingCapacity: true)
            }
        }
        if !held.isEmpty { try await quarantined(held) }
        try await flush(&upserts, options)
        try await flush(&deletions, deleteOptions)
        return read
    }

    /// The source export of a slice: its data set, periods (or, incremental, date range and `lastUpdated`),
    /// the org unit's subtree, deleted values when the pair propagates them, the pair's id scheme. The
    /// verifier asks both sides the same.
    static func exportQuery(_ slice: SliceKey, pair: Pair, incremental: IncrementalScope?) -> DataValueQuery {
        var query = DataValueQuery()
        query.dataSets = [slice.dataSet]
        if slice.period.isEmpty, let incremental {
            query.startDate = incremental.startDate
            query.endDate = incremental.endDate
            query.lastUpdated = incremental.lastUpdated[slice.dataSet]
        } else {
            query.periods = slice.periods
        }
        query.orgUnits = [slice.orgUnit]
        query.children = true
        query.includeDeleted = pair.includeDeleted
        if pair.idScheme == .code { query.idScheme = "CODE" }
        return query
    }

    /// The ledger rows for an import summary: one per conflict, object and payload index, each with
    /// the value of the posted body that the index points at.
    static func ledgerConflicts(_ summary: ImportSummary, body: [UInt8]) -> [RunLedger.Conflict] {
        let rows = summary.conflictRows
        let wanted = Set(rows.flatMap(\.indexes))
        var values: [Int: DataValue] = [:]
        if !wanted.isEmpty {
            // The body is our own writer's output: it parses; a failure would only leave values out.
            var decoder = DataValueSetDecoder()
            var index = 0
            try? decoder.feed(body) { value in
                if wanted.contains(index) { values[index] = value }
                index += 1
            }
        }
        return rows.flatMap { row -> [RunLedger.Conflict] in
            guard !row.indexes.isEmpty else { return [RunLedger.Conflict(row: row, valueIndex: nil, value: nil)] }
            return row.indexes.map { RunLedger.Conflict(row: row, valueIndex: $0, value: values[$0]) }
        }
    }
}
