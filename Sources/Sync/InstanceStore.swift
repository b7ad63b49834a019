import DHIS2
import Postgres

/// Instances as the database keeps them: URL, auth kind, username and a credential *reference*.
public struct InstanceStore: Sendable {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// One stored instance.
    public struct Record: Sendable, Hashable {
        public var id: Int
        public var instance: DHIS2Instance
    }

    /// Adds an instance; a name already taken is an error naming it.
    @discardableResult
    public func add(_ instance: DHIS2Instance) async throws -> Int {
        let (kind, username, reference) = Self.columns(instance.authentication)
        do {
            return try await connection.query(
                """
                INSERT INTO instances (name, base_url, auth_kind, username, credential_ref)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
                """,
                [instance.name, instance.baseURL, kind, username, reference]
            )[0].decode(Int.self, at: 0)
        } catch {
            // Typed throws: `error` is a PostgresError; its SQLSTATE says which rule refused the row.
            switch error.sqlState {
            case "23505":
                throw SyncError(
                    .invalidInput,
                    "an instance named '\(instance.name)' already exists; pick another name or remove it first"
                )
            case "23514":
                throw SyncError(
                    .invalidInput,
                    "instance '\(instance.name)' was refused by the database's checks: \(error.message)"
                )
            default:
                throw error
            }
        }
    }

    public func list() async throws -> [Record] {
        try await connection.query(
            "SELECT id, name, base_url, auth_kind, username, credential_ref FROM instances ORDER BY name"
        ).map(Self.record)
    }

    /// The instance with this name; an unknown name is an error listing how to see the known ones.
    public func get(_ name: String) async throws -> Record {
        let rows = try await connection.query(
            "SELECT id, name, base_url, auth_kind, username, credential_ref FROM instances WHERE name = $1",
            [name]
        )
        guard let row = rows.first else {
            throw SyncError(
                .invalidInput,
                "no instance named '\(name)'; `dhis2-sync instance list` shows the known ones"
            )
        }
        return try Self.record(row)
    }

    static func columns(_ authentication: DHIS2Authentication) -> (String, String?, String) {
        switch authentication {
        case .basic(let username, let password): ("basic", username, password.description)
        case .token(let token): ("token", nil, token.description)
        }
    }

    static func record(_ row: PostgresRow) throws -> Record {
        let (id, name, url, kind, username, reference) = try row.decode(
            (Int, String, String, String, String?, String).self
        )
        let authentication = try authentication(kind: kind, username: username, reference: reference)
        return Record(id: id, instance: try DHIS2Instance(name: name, baseURL: url, authentication: authentication))
    }

    /// The inverse of ``columns(_:)``.
    static func authentication(kind: String, username: String?, reference: String) throws -> DHIS2Authentication {
        let credential = try CredentialReference(parsing: reference)
        return if kind == "basic", let username {
            .basic(username: username, password: credential)
        } else {
            .token(credential)
        }
    }
}
