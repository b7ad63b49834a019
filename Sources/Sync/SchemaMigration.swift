/// One versioned section of `schema.sql`.
public struct SchemaMigration: Sendable, Hashable {
    public var version: Int
    public var description: String
    public var sql: String

    /// FNV-1a over the section's text: an applied section whose text later changes is refused.
    public var checksum: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Splits a schema file at its `-- migrate: <version> <description>` markers.
    ///
    /// Versions must start at 1 and increase by one, so a section cannot be skipped or reordered
    /// by an edit.
    public static func parse(_ text: String) throws(SyncError) -> [SchemaMigration] {
        var migrations: [SchemaMigration] = []
        var current: (version: Int, description: String, lines: [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- migrate:") {
                if let current {
                    migrations.append(.init(current.version, current.description, current.lines))
                }
                let rest = line.dropFirst("-- migrate:".count).drop { $0 == " " }
                let number = rest.prefix { $0.isNumber }
                guard let version = Int(number) else {
                    throw SyncError(.schema, "schema.sql: a '-- migrate:' marker lacks its version number: \(line)")
                }
                guard version == migrations.count + 1 else {
                    throw SyncError(
                        .schema,
                        "schema.sql: migration \(version) follows \(migrations.count); versions must count up from 1"
                    )
                }
                let description = rest.dropFirst(number.count).trimmingPrefix(" ")
                current = (version, String(description), [])
            } else if current != nil {
                current!.lines.append(line)
            }
        }
        if let current { migrations.append(.init(current.version, current.description, current.lines)) }
        guard !migrations.isEmpty else { throw SyncError(.schema, "schema.sql has no '-- migrate:' sections") }
        return migrations
    }

    private init(_ version: Int, _ description: String, _ lines: [Substring]) {
        self.version = version
        self.description = description
        // Trailing blank lines are not part of a section, so appending a new one does not change it.
        var lines = lines
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        self.sql = lines.joined(separator: "\n")
    }

    /// The sections of the `schema.sql` this binary was built with.
    public static func bundled() throws(SyncError) -> [SchemaMigration] {
        try parse(String(decoding: PackageResources.schema_sql, as: UTF8.self))
    }
}
