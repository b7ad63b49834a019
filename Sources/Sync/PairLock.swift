import Postgres

/// The pair's PostgreSQL advisory lock: one process at a time runs, retries or repairs a pair.
///
/// Session-level and non-blocking: a second process is told at once that the pair is busy rather
/// than queueing behind a run that may take hours.
struct PairLock: Sendable {
    let connection: PostgresConnection
    let pair: Pair

    /// Runs `body` holding the lock; throws ``SyncError/Code/locked`` when another session holds it.
    func holding<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let key = PostgresConnection.advisoryKey("dhis2-sync.pair.\(pair.id)")
        guard try await connection.tryAdvisoryLock(key) else {
            throw SyncError(
                .locked,
                "pair \(pair.name) is being synced by another dhis2-sync process right now; try again when it is done"
            )
        }
        do {
            let result = try await body()
            try await connection.advisoryUnlock(key)
            return result
        } catch {
            _ = try? await connection.advisoryUnlock(key)
            throw error
        }
    }
}
