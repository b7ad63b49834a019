import Logging
import Postgres
import Sync
import TestSupport
import Testing

@Suite("schema.sql sections")
struct SchemaMigrationParsingTests {
    @Test func bundledSchemaParses() throws {
        let migrations = try SchemaMigration.bundled()
        #expect(migrations.first?.version == 1)
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(migrations[0].sql.contains("CREATE TABLE watermarks"))
    }

    @Test func versionsMustCountUp() {
        let text = "-- migrate: 1 a\nSELECT 1;\n-- migrate: 3 c\nSELECT 3;\n"
        let error = #expect(throws: SyncError.self) { try SchemaMigration.parse(text) }
        #expect(error?.code == .schema)
        #expect(error?.description.contains("migration 3 follows 1") == true)
        #expect(throws: SyncError.self) { try SchemaMigration.parse("CREATE TABLE x (a int);") }
    }

    @Test func appendingASectionKeepsEarlierChecksums() throws {
        let one = try SchemaMigration.parse("-- header\n-- migrate: 1 first\nCREATE TABLE a (x int);\n\n")
        let two = try SchemaMigration.parse(
            "-- header\n-- migrate: 1 first\nCREATE TABLE a (x int);\n\n-- migrate: 2 second\nCREATE TABLE b (y int);\n"
        )
        #expect(one[0] == two[0])
        #expect(one[0].checksum == two[0].checksum)
        #expect(two[1].description == "second")
    }
}

@Suite("Schema migrator against PostgreSQL", .enabled(if: TestDatabase.available))
struct SchemaMigratorTests {
    let logger = Logger(label: "test.migrate")

    @Test func migratesOnceAndIsIdempotent() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let db = try await PostgresConnection.connect(configuration, logger: logger)
        let migrator = SchemaMigrator(migrations: try SchemaMigration.bundled(), logger: logger)

        let first = try await migrator.migrate(db)
        #expect(first.applied == [1, 2, 3, 4])
        let second = try await migrator.migrate(db)
        #expect(second.applied == [])
        #expect(second.version == first.version)
        let tables = try await db.query(
            "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
        )[0].decode(String.self, at: 0)
        #expect(
            tables
                == "conflicts,id_mappings,instances,middleware_batches,pair_data_sets,pair_org_units,pairs,quarantine,runs,"
                + "schema_migrations,slices,watermarks"
        )
        await db.close()
    }

    @Test func concurrentMigratorsApplyEachSectionOnce() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let migrations = try SchemaMigration.bundled()
        let outcomes = try await withThrowingTaskGroup(of: SchemaMigrator.Outcome.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let db = try await PostgresConnection.connect(configuration, logger: logger)
                    return try await SchemaMigrator(migrations: migrations, logger: logger).migrate(db)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.flatMap(\.applied).sorted() == [1, 2, 3, 4])
    }

    @Test func aFailingSectionLeavesThePreviousVersion() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let db = try await PostgresConnection.connect(configuration, logger: logger)
        let migrations = try SchemaMigration.parse(
            """
            -- migrate: 1 good
            CREATE TABLE a (x int);
            -- migrate: 2 bad
            CREATE TABLE b (y int);
            CREATE TABLE c (z nosuchtype);
            """
        )
        await #expect(throws: PostgresError.self) {
            try await SchemaMigrator(migrations: migrations, logger: logger).migrate(db)
        }
        let state = try await db.query(
            """
            SELECT (SELECT max(version) FROM schema_migrations),
                   to_regclass('public.a') IS NOT NULL, to_regclass('public.b') IS NOT NULL
            """
        )[0].decode((Int, Bool, Bool).self)
        #expect(state.0 == 1)
        #expect(state.1)
        #expect(!state.2, "section 2 must roll back as a whole")
        // The lock was released despite the failure: a corrected run goes through.
        let fixed = try SchemaMigration.parse(
            "-- migrate: 1 good\nCREATE TABLE a (x int);\n-- migrate: 2 bad\nCREATE TABLE b (y int);\n"
        )
        #expect(try await SchemaMigrator(migrations: fixed, logger: logger).migrate(db).applied == [2])
    }

    @Test func editedOrNewerSchemasAreRefused() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let db = try await PostgresConnection.connect(configuration, logger: logger)
        let original = try SchemaMigration.parse(
            "-- migrate: 1 a\nCREATE TABLE a (x int);\n-- migrate: 2 b\nSELECT 1;\n"
        )
        _ = try await SchemaMigrator(migrations: original, logger: logger).migrate(db)

        let edited = try SchemaMigration.parse(
            "-- migrate: 1 a\nCREATE TABLE a (x bigint);\n-- migrate: 2 b\nSELECT 1;\n"
        )
        let modified = await #expect(throws: SyncError.self) {
            try await SchemaMigrator(migrations: edited, logger: logger).migrate(db)
        }
        #expect(modified?.code == .schemaModified)

        let older = try SchemaMigration.parse("-- migrate: 1 a\nCREATE TABLE a (x int);\n")
        let tooNew = await #expect(throws: SyncError.self) {
            try await SchemaMigrator(migrations: older, logger: logger).migrate(db)
        }
        #expect(tooNew?.code == .schemaTooNew)
        #expect(tooNew?.description.contains("upgrade dhis2-sync") == true)
    }

    @Test func constraintsRefuseSecretsDuplicatesAndDanglingRows() async throws {
        let (configuration, drop) = try await TestDatabase.makeDatabase()
        defer { Task { await drop() } }
        let db = try await PostgresConnection.connect(configuration, logger: logger)
        _ = try await SchemaMigrator(migrations: try SchemaMigration.bundled(), logger: logger).migrate(db)

        // A pasted password is not a credential reference.
        let secret = await #expect(throws: PostgresError.self) {
            try await db.execute(
                "INSERT INTO instances (name, base_url, auth_kind, username, credential_ref) VALUES ($1, $2, $3, $4, $5)",
                ["src", "https://hmis.example.org", "basic", "admin", "district"]
            )
        }
        #expect(secret?.sqlState == "23514")
        for (name, url) in [("src", "https://hmis.example.org"), ("dst", "http://127.0.0.1:8080/dhis")] {
            try await db.execute(
                "INSERT INTO instances (name, base_url, auth_kind, credential_ref) VALUES ($1, $2, 'token', $3)",
                [name, url, "env:\(name.uppercased())_TOKEN"]
            )
        }
        try await db.execute(
            """
            INSERT INTO pairs (name, source_id, destination_id)
            SELECT 'national', s.id, d.id FROM instances s, instances d WHERE s.name = 'src' AND d.name = 'dst'
            """
        )
        let insertOrgUnit = """
            INSERT INTO pair_org_units (pair_id, uid, name, path, level)
            SELECT id, 'ImspTQPwCqd', 'Sierra Leone', '/ImspTQPwCqd', 1 FROM pairs WHERE name = 'national'
            """
        try await db.execute(insertOrgUnit)
        let duplicate = await #expect(throws: PostgresError.self) { try await db.execute(insertOrgUnit) }
        #expect(duplicate?.sqlState == "23505")
        // A pair cannot sync an instance into itself.
        let selfPair = await #expect(throws: PostgresError.self) {
            try await db.execute(
                "INSERT INTO pairs (name, source_id, destination_id) SELECT 'loop', id, id FROM instances WHERE name = 'src'"
            )
        }
        #expect(selfPair?.sqlState == "23514")
        // A slice must point at the pair's known data set and org unit.
        let dangling = await #expect(throws: PostgresError.self) {
            try await db.execute(
                """
                WITH r AS (INSERT INTO runs (pair_id, kind) SELECT id, 'backlog' FROM pairs RETURNING id, pair_id)
                INSERT INTO slices (run_id, pair_id, data_set_uid, period_id, org_unit_uid)
                SELECT id, pair_id, 'BfMAe6Itzgt', '202401', 'ImspTQPwCqd' FROM r
                """
            )
        }
        #expect(dangling?.sqlState == "23503")
    }
}
