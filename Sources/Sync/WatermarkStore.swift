import Postgres

/// Per (pair, data set): the source's clock up to which every change was delivered.
///
/// Times are the source's own `serverDate` (DHIS2 reports local time without a zone), stored as if UTC
/// and rendered back the same way, so what the export is asked for is what the source said.
public struct WatermarkStore: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The `lastUpdated` each data set's next export starts from: its watermark minus `overlap`.
    /// Data sets without a watermark are absent.
    public func exportStarts(pairID: Int, overlap: Duration) async throws -> [String: String] {
        let rows = try await connection.query(
            """
            SELECT data_set_uid,
                   to_char((last_updated AT TIME ZONE 'UTC') - make_interval(secs => $2), 'YYYY-MM-DD"T"HH24:MI:SS')
            FROM watermarks WHERE pair_id = $1
            """,
            [pairID, overlap / .seconds(1)]
        )
        var starts: [String: String] = [:]
        for row in rows {
            let (dataSet, start) = try row.decode((String, String).self)
            starts[dataSet] = start
        }
        return starts
    }

    /// Moves the watermark of every data set whose slices in `runID` are all done to the run's source
    /// clock; never moves one backwards. Returns the data sets advanced.
    @discardableResult
    public func advance(runID: Int) async throws -> [String] {
        try await connection.query(
            """
            INSERT INTO watermarks (pair_id, data_set_uid, last_updated, run_id)
            SELECT r.pair_id, s.data_set_uid, r.source_server_date, r.id
            FROM runs r JOIN slices s ON s.run_id = r.id
            WHERE r.id = $1 AND r.source_server_date IS NOT NULL
            GROUP BY r.pair_id, s.data_set_uid, r.source_server_date, r.id
            HAVING bool_and(s.state = 'done')
            ON CONFLICT (pair_id, data_set_uid) DO UPDATE
                SET last_updated = greatest(watermarks.last_updated, excluded.last_updated),
                    run_id = excluded.run_id, advanced_at = now()
            RETURNING data_set_uid
            """,
            [runID]
        ).map { try $0.decode(String.self, at: 0) }
    }
}
