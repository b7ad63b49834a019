import Logging

extension PostgresConnection {
    /// Runs `body` inside `BEGIN … COMMIT` on the connection's own thread; any error rolls back and
    /// is rethrown. The body is synchronous and isolated to the connection, so no other task's
    /// statement can slip into the transaction and it stays short.
    public func transaction<T: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) throws -> T
    ) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// Like ``transaction(_:)`` for bodies that must await (other services, other actors).
    ///
    /// - Important: Until it returns, no other task may use this connection: its statements would
    ///   run inside this transaction.
    public func withTransaction<T: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try execute("BEGIN")
        do {
            let value = try await body(self)
            try execute("COMMIT")
            return value
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    private func rollbackQuietly() {
        // A broken connection has already rolled back on the server; the original error matters more.
        do {
            try execute("ROLLBACK")
        } catch {
            logger.debug("ROLLBACK failed", metadata: ["db.error": "\(error)"])
        }
    }
}

extension PostgresConnection {
    /// Takes the session-level advisory lock `key` if nobody holds it; never waits.
    ///
    /// Session locks vanish with the session: compare ``sessionGeneration`` before relying on one
    /// after an error, since a reconnect releases it.
    public func tryAdvisoryLock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_try_advisory_lock($1)", [key])[0].decode(Bool.self, at: 0)
    }

    /// Releases a session-level advisory lock; false if this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_advisory_unlock($1)", [key])[0].decode(Bool.self, at: 0)
    }

    /// A stable 64-bit lock key for a name (FNV-1a), so every process derives the same key.
    public nonisolated static func advisoryKey(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
