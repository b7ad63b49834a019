import Foundation
import Postgres
import TestSupport
import Testing

@Suite("PostgreSQL against a real server", .enabled(if: TestDatabase.available))
struct PostgresConnectionTests {
    @Test func parametersIncludingNullAndUnicode() async throws {
        let db = try await TestDatabase.connect()
        let tricky = "héllo 🌍 ' \" \\ \t\n 日本語 ;DROP TABLE x;--"
        let row = try await db.query(
            "SELECT $1::text, $2::text IS NULL, $3::int8 + 1, $4::text",
            [tricky, nil, 41, "$1"]
        )[0]
        let (text, isNull, number, literal) = try row.decode((String, Bool, Int, String).self)
        #expect(text == tricky)
        #expect(isNull)
        #expect(number == 42)
        #expect(literal == "$1")
    }

    @Test func decodesEveryType() async throws {
        let db = try await TestDatabase.connect()
        let row = try await db.query(
            """
            SELECT 7::int2, (-2147483648)::int4, (-9223372036854775808)::int8, true, false,
                   1.5::float8, 'NaN'::float8, 12345.678901234567890123::numeric,
                   '2024-02-29 13:14:15.123456+05:30'::timestamptz, '{"a": [1, 2], "b": "ü"}'::jsonb,
                   '\\x00ff10'::bytea, NULL::text, 'abc'::text, '2024-01-31'::date,
                   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '2024-01-01 00:00:00'::timestamp
            """
        )[0]
        #expect(try row.decode(Int16.self, at: 0) == 7)
        #expect(try row.decode(Int32.self, at: 1) == Int32.min)
        #expect(try row.decode(Int64.self, at: 2) == Int64.min)
        #expect(try row.decode(Bool.self, at: 3) == true)
        #expect(try row.decode(Bool.self, at: 4) == false)
        #expect(try row.decode(Double.self, at: 5) == 1.5)
        #expect(try row.decode(Double.self, at: 6).isNaN)
        #expect(try row.decode(Decimal.self, at: 7) == Decimal(string: "12345.678901234567890123"))
        let expected = Date(timeIntervalSince1970: 1_709_192_655.123456)  // 2024-02-29T07:44:15.123456Z
        #expect(abs(try row.decode(Date.self, at: 8).timeIntervalSince(expected)) < 0.000_001)
        let json = try row.decode(PostgresJSON.self, at: 9).text
        #expect(json == #"{"a": [1, 2], "b": "ü"}"#)
        #expect(try row.decode(PostgresBytes.self, at: 10).bytes == [0x00, 0xFF, 0x10])
        #expect(try row.decode(String?.self, at: 11) == nil)
        #expect(try row.decode(String?.self, at: 12) == "abc")
        #expect(try row.decode(Date.self, at: 13) == Date(timeIntervalSince1970: 1_706_659_200))
        #expect(try row.decode(UUID.self, at: 14) == UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        #expect(try row.decode(Date.self, at: 15) == Date(timeIntervalSince1970: 1_704_067_200))

        // NULL into a non-optional is a decoding error naming the column, not a crash.
        let error = #expect(throws: PostgresError.self) { try row.decode(String.self, at: 11) }
        #expect(error?.code == .decoding)
        #expect(try row.decode(Int.self, named: "int2") == 7)
    }

    @Test func encodedValuesRoundTrip() async throws {
        let db = try await TestDatabase.connect()
        let table = TestDatabase.uniqueTable("roundtrip")
        try await db.execute(
            """
            CREATE TEMP TABLE \(table) (i int8, b bool, d float8, n numeric, t timestamptz, j jsonb,
            x bytea, s text, u uuid, small int4)
            """
        )
        let when = Date(timeIntervalSince1970: 1_234_567_890.654321)
        let uuid = UUID()
        try await db.execute(
            "INSERT INTO \(table) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [
                Int.min, true, -0.25, Decimal(string: "-1.000000000000000000001"), when,
                PostgresJSON(#"{"k":"v\"q"}"#), PostgresBytes([0, 1, 2, 0x5C, 255]), "💡", uuid, Int32(-5),
            ]
        )
        let row = try await db.query("SELECT * FROM \(table)")[0]
        #expect(try row.decode(Int.self, at: 0) == Int.min)
        #expect(try row.decode(Bool.self, at: 1))
        #expect(try row.decode(Double.self, at: 2) == -0.25)
        #expect(try row.decode(Decimal.self, at: 3) == Decimal(string: "-1.000000000000000000001"))
        #expect(abs(try row.decode(Date.self, at: 4).timeIntervalSince(when)) < 0.000_001)
        #expect(try row.decode(PostgresJSON.self, at: 5).text == #"{"k": "v\"q"}"#)
        #expect(try row.decode(PostgresBytes.self, at: 6).bytes == [0, 1, 2, 0x5C, 255])
        #expect(try row.decode(String.self, at: 7) == "💡")
        #expect(try row.decode(UUID.self, at: 8) == uuid)
        #expect(try row.decode(Int32.self, at: 9) == -5)
    }

    @Test func serverErrorsCarrySQLState() async throws {
        let db = try await TestDatabase.connect()
        let table = TestDatabase.uniqueTable("unique")
        try await db.execute("CREATE TEMP TABLE \(table) (k text PRIMARY KEY)")
        try await db.execute("INSERT INTO \(table) VALUES ($1)", ["a"])
        let error = await #expect(throws: PostgresError.self) {
            try await db.execute("INSERT INTO \(table) VALUES ($1)", ["a"])
        }
        #expect(error?.code == .server)
        #expect(error?.sqlState == "23505")
        #expect(error?.detail?.contains("already exists") == true)
        // The connection stays usable after a statement error.
        #expect(try await db.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0) == 1)
    }

    @Test func streamsAMillionRowsInFlatMemory() async throws {
        let db = try await TestDatabase.connect()
        let before = ProcessMemory.residentBytes()
        var peak = before
        var count = 0
        var sum = 0
        var lastText = ""
        for try await row in db.stream("SELECT g, md5(g::text) FROM generate_series(1, 1000000) AS g") {
            let (number, text) = try row.decode((Int, String).self)
            count += 1
            sum &+= number
            lastText = text
            if count % 50_000 == 0 { peak = max(peak, ProcessMemory.residentBytes()) }
        }
        let growth = peak - before
        print(
            "PostgreSQL 1M-row stream: RSS before \(before >> 20) MiB, peak \(peak >> 20) MiB, growth \(growth >> 20) MiB"
        )
        #expect(count == 1_000_000)
        #expect(sum == 500_000_500_000)
        #expect(lastText == "9c9d0b28d5dd6a5b0fa0cf4a1de4f6d5" || lastText.count == 32)
        // Buffered (PQexec) this result costs ~180 MB; streaming keeps one batch. The bound leaves room
        // for suites running in parallel in this process, whose allocations show in the same RSS.
        #expect(growth < 64 << 20, "RSS grew by \(growth >> 20) MiB while streaming")
    }

    @Test func streamFailingMidwayThrowsAfterPartialRows() async throws {
        let db = try await TestDatabase.connect()
        var seen = 0
        var failure: PostgresError?
        do {
            for try await _ in db.stream("SELECT 1 / (500 - g) FROM generate_series(1, 1000) AS g", batchSize: 64) {
                seen += 1
            }
        } catch {
            failure = error
        }
        #expect(failure?.sqlState == "22012")
        #expect(seen < 500)
        #expect(try await db.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }

    @Test func abandonedStreamIsCancelledByTheNextStatement() async throws {
        let db = try await TestDatabase.connect()
        var iterator = db.stream("SELECT g FROM generate_series(1, 5000000) AS g", batchSize: 1).makeAsyncIterator()
        #expect(try await iterator.next()?.decode(Int.self, at: 0) == 1)
        // Without the cancel this would wait for five million rows to drain.
        #expect(try await db.query("SELECT 'next'")[0].decode(String.self, at: 0) == "next")
        var failure: PostgresError?
        do {
            _ = try await iterator.next()
        } catch {
            failure = error
        }
        #expect(failure?.code == .busy)
    }

    @Test func transactionRollsBackOnThrow() async throws {
        struct Boom: Error {}
        let db = try await TestDatabase.connect()
        let table = TestDatabase.uniqueTable("tx")
        try await db.execute("CREATE TABLE \(table) (v int)")
        defer { Task { try? await db.execute("DROP TABLE \(table)") } }

        await #expect(throws: Boom.self) {
            try await db.transaction { conn in
                try conn.execute("INSERT INTO \(table) VALUES (1), (2)")
                throw Boom()
            }
        }
        #expect(try await db.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0) == 0)

        let inserted = try await db.transaction { conn in try conn.execute("INSERT INTO \(table) VALUES (3)") }
        #expect(inserted == 1)

        await #expect(throws: Boom.self) {
            try await db.withTransaction { conn in
                try await conn.execute("INSERT INTO \(table) VALUES (4)")
                throw Boom()
            }
        }
        #expect(try await db.query("SELECT array_agg(v)::text FROM \(table)")[0].decode(String.self, at: 0) == "{3}")
    }

    @Test func libpqRunsOnTheConnectionsOwnThread() async throws {
        let db = try await TestDatabase.connect()
        #expect(try await db.transaction { conn in conn.isOnConnectionThread })
        #expect(!db.isOnConnectionThread, "the test's own task runs on the cooperative pool")
        let other = try await TestDatabase.connect()
        #expect(try await other.transaction { _ in db.isOnConnectionThread } == false, "one thread per connection")
    }

    @Test func advisoryLocksExcludeAnotherConnection() async throws {
        let first = try await TestDatabase.connect()
        let second = try await TestDatabase.connect()
        let key = PostgresConnection.advisoryKey("pair:test-\(UUID())")
        #expect(try await first.tryAdvisoryLock(key))
        #expect(try await second.tryAdvisoryLock(key) == false)
        #expect(try await first.advisoryUnlock(key))
        #expect(try await second.tryAdvisoryLock(key))
        #expect(try await first.tryAdvisoryLock(key) == false)
        #expect(try await second.advisoryUnlock(key))
        #expect(PostgresConnection.advisoryKey("a") == PostgresConnection.advisoryKey("a"))
        #expect(PostgresConnection.advisoryKey("a") != PostgresConnection.advisoryKey("b"))
    }

    @Test func copyLoadsRowsWithEscapesAndNulls() async throws {
        let db = try await TestDatabase.connect()
        let table = TestDatabase.uniqueTable("copy")
        try await db.execute("CREATE TEMP TABLE \(table) (id int8, label text, payload jsonb)")
        let stored = try await db.copyFrom(table: table, columns: ["id", "label", "payload"]) { writer in
            for index in 0..<200_000 {
                let label: String? = index % 7 == 0 ? nil : "row \(index)\t\\n\n\r ü"
                try writer.appendRow([index, label, PostgresJSON(#"{"v": "a\\b", "i": \#(index)}"#)])
            }
        }
        #expect(stored == 200_000)
        let rows = try await db.query(
            "SELECT count(*), count(label), max(id) FROM \(table)"
        )[0].decode((Int, Int, Int).self)
        #expect(rows.0 == 200_000)
        #expect(rows.1 == 200_000 - (200_000 + 6) / 7)
        #expect(rows.2 == 199_999)
        let sample = try await db.query("SELECT label, payload->>'v' FROM \(table) WHERE id = 1")[0]
        #expect(try sample.decode(String.self, at: 0) == "row 1\t\\n\n\r ü")
        #expect(try sample.decode(String.self, at: 1) == "a\\b")
    }

    @Test func failedCopyInsertsNothing() async throws {
        struct Stop: Error {}
        let db = try await TestDatabase.connect()
        let table = TestDatabase.uniqueTable("copyabort")
        try await db.execute("CREATE TEMP TABLE \(table) (id int8 NOT NULL)")
        await #expect(throws: Stop.self) {
            try await db.copyFrom(table: table, columns: ["id"]) { writer in
                for index in 0..<10 { try writer.appendRow([index]) }
                throw Stop()
            }
        }
        // A row the server rejects fails the whole COPY with its SQLSTATE.
        let error = await #expect(throws: PostgresError.self) {
            try await db.copyFrom(table: table, columns: ["id"], rows: [[1], [nil]])
        }
        #expect(error?.sqlState == "23502")
        #expect(try await db.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() async throws {
        var configuration = try TestDatabase.configuration()
        let secret = "not-the-pass'word\\\"-\(UUID().uuidString)"
        configuration["password"] = secret
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration, logger: TestDatabase.logger)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("password authentication failed") == true)
        #expect(error?.description.contains(secret) == false)
        #expect(!configuration.description.contains(secret))
        #expect(configuration.description.contains("password=***"))
    }
}

@Suite("PostgreSQL server restart", .enabled(if: TestDatabase.available))
struct PostgresRestartTests {
    /// Uses a cluster of its own: bouncing the shared one would break tests running in parallel.
    @Test func reconnectsAfterTheServerRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-restart-\(UUID())").path
        let url = try TestDatabase.pgCluster("start", directory)
        defer {
            _ = try? TestDatabase.pgCluster("stop", directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let db = try await PostgresConnection.connect(PostgresConfiguration(url), logger: TestDatabase.logger)
        let before = try await db.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)
        let generation = await db.sessionGeneration

        try TestDatabase.pgCluster("restart", directory)

        // An idle connection notices the restart before sending and reconnects transparently;
        // a statement caught in flight reports connectionLost and the next one reconnects.
        let pid = try await backendPID(db, attempts: 2)
        #expect(pid != before)
        #expect(await db.sessionGeneration == generation + 1)

        // Inside a transaction a broken connection must not be papered over.
        try await db.execute("BEGIN")
        try TestDatabase.pgCluster("restart", directory)
        let error = await #expect(throws: PostgresError.self) { try await db.execute("SELECT 1") }
        #expect(error?.code == .connectionLost)
        #expect(try await db.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }
}

/// The backend's process id, retrying only after `connectionLost` (a statement caught by the restart).
private func backendPID(_ db: PostgresConnection, attempts: Int) async throws -> Int {
    var lastError: PostgresError?
    for _ in 0..<attempts {
        do {
            return try await db.query("SELECT pg_backend_pid()")[0].decode(Int.self, at: 0)
        } catch {
            guard error.code == .connectionLost else { throw error }
            lastError = error
        }
    }
    throw lastError!
}

@Suite("PostgreSQL configuration")
struct PostgresConfigurationTests {
    @Test func parsesURLsAndConninfoAndRedactsThePassword() throws {
        let url = try PostgresConfiguration("postgresql://u%40x:p%27w@db.example:6543/name?sslmode=require")
        #expect(url["user"] == "u@x")
        #expect(url["password"] == "p'w")
        #expect(url["host"] == "db.example")
        #expect(url["port"] == "6543")
        #expect(url["dbname"] == "name")
        #expect(url["sslmode"] == "require")
        #expect(!url.description.contains("p'w"))
        let conninfo = try PostgresConfiguration("host=/tmp/sock user=me password='a b\\'c'")
        #expect(conninfo["password"] == "a b'c")
        #expect(conninfo["host"] == "/tmp/sock")
        #expect(conninfo["options"]?.contains("TimeZone=UTC") == true)
    }

    @Test func rejectsGarbage() {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConfiguration("postgresql://x:y@h/d?nosuchkey=1")
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.description.contains("nosuchkey") == true)
        #expect(error?.description.contains("y@") == false)
    }
}
