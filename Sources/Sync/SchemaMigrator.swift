import Logging
import Postgres

/// Brings a database up to the bundled schema; safe to run on every start.
///
/// Each pending section runs in its own transaction together with its `schema_migrations` row, so
/// a failure leaves the database at the previous version, never half-migrated. A session advisory
/// lock serialises concurrent migrators (two daemons starting together).
public struct SchemaMigrator: Sendable {
    public let migrations: [SchemaMigration]
    let logger: Logger

    /// What a run did.
    public struct Outcome: Sendable, Hashable {
        /// Versions applied by this run, in order.
        public var applied: [Int]
        /// The database's version afterwards.
        public var version: Int
    }

    static let lockKey = PostgresConnection.advisoryKey("dhis2-sync:schema-migrate")

    public init(migrations: [SchemaMigration], logger: Logger) {
        self.migrations = migrations
        self.logger = logger
    }

    public func migrate(_ connection: PostgresConnection) async throws -> Outcome {
        // Blocks until another migrator is done; its work then shows up as already applied.
        try await connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        do {
            let outcome = try await migrateLocked(connection)
            try await connection.advisoryUnlock(Self.lockKey)
            return outcome
        } catch {
            _ = try? await connection.advisoryUnlock(Self.lockKey)
            throw error
        }
    }

    private func migrateLocked(_ connection: PostgresConnection) async throws -> Outcome {
        try await connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                checksum    bigint NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        var applied: [Int: Int64] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            let (version, checksum) = try row.decode((Int, Int64).self)
            applied[version] = checksum
        }
        let known = migrations.last?.version ?? 0
        if let newest = applied.keys.max(), newest > known {
            throw SyncError(
                .schemaTooNew,
                "the database schema is at version \(newest) but this dhis2-sync knows up to \(known): upgrade dhis2-sync"
            )
        }
        for migration in migrations {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw SyncError(
                    .schemaModified,
                    "schema migration \(migration.version) (\(migration.description)) differs from the one applied: "
                        + "shipped sections of schema.sql must not be edited; add a new section instead"
                )
            }
        }
        var done: [Int] = []
        for migration in migrations where applied[migration.version] == nil {
            logger.info(
                "applying schema migration",
                metadata: ["schema.version": "\(migration.version)", "schema.description": "\(migration.description)"]
            )
            try await connection.transaction { conn in
                try conn.executeScript(migration.sql)
                try conn.execute(
                    "INSERT INTO schema_migrations (version, description, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.description, migration.checksum]
                )
            }
            done.append(migration.version)
        }
        return Outcome(applied: done, version: max(known, applied.keys.max() ?? 0))
    }
}
