import Foundation

/// A PostgreSQL cluster of its own in a temporary directory, on a Unix socket only, for the demo.
///
/// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user. The
/// cluster is made for speed, not durability (fsync off): it holds nothing worth keeping.
public final class ThrowawayPostgres: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: URL
    /// A libpq conninfo string for the cluster's database.
    public let conninfo: String
    private let binaries: URL
    private let asRoot: Bool

    private init(directory: URL, conninfo: String, binaries: URL, asRoot: Bool) {
        self.directory = directory
        self.conninfo = conninfo
        self.binaries = binaries
        self.asRoot = asRoot
    }

    /// initdb + start + createdb; throws one line saying what is missing or what failed.
    public static func start() throws -> ThrowawayPostgres {
        let binaries = try findBinaries()
        let asRoot = getuid() == 0
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent(
            "dhis2-sync-demo-\(UUID().uuidString.prefix(8))"
        )
        let data = directory.appendingPathComponent("data")
        let socket = directory.appendingPathComponent("socket")
        try FileManager.default.createDirectory(at: socket, withIntermediateDirectories: true)
        // Random per cluster: nothing secret, but no fixed password that could end up in real setups.
        let password = (0..<24).map { _ in "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! }
        let passwordFile = directory.appendingPathComponent("password")
        try String(password).write(to: passwordFile, atomically: true, encoding: .utf8)
        if asRoot {
            _ = try ChildProcess.run(URL(fileURLWithPath: "/bin/chown"), ["-R", "postgres", directory.path])
        }
        let cluster = ThrowawayPostgres(
            directory: directory,
            conninfo: "host=\(socket.path) user=dhis2sync dbname=dhis2sync password=\(String(password))",
            binaries: binaries,
            asRoot: asRoot
        )
        try cluster.asOwner(
            "initdb",
            [
                "-D", data.path, "-U", "dhis2sync", "--pwfile=\(passwordFile.path)", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8",
            ]
        )
        try cluster.asOwner(
            "pg_ctl",
            [
                "-D", data.path, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60", "start",
                "-o",
                "-c listen_addresses='' -c unix_socket_directories='\(socket.path)' -c fsync=off -c synchronous_commit=off",
            ]
        )
        try cluster.asOwner(
            "createdb",
            ["-h", socket.path, "-U", "dhis2sync", "dhis2sync"],
            environment: ["PGPASSWORD": String(password)]
        )
        return cluster
    }

    /// Stops the server and removes its directory.
    public func stop() {
        _ = try? asOwner(
            "pg_ctl",
            ["-D", directory.appendingPathComponent("data").path, "-w", "-t", "60", "-m", "fast", "stop"]
        )
        try? FileManager.default.removeItem(at: directory)
    }

    private func asOwner(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let program = binaries.appendingPathComponent(tool)
        let result =
            if asRoot {
                try ChildProcess.run(
                    URL(fileURLWithPath: "/usr/sbin/runuser"),
                    ["-u", "postgres", "--", "env"] + environment.map { "\($0.key)=\($0.value)" } + [program.path]
                        + arguments
                )
            } else {
                try ChildProcess.run(program, arguments, environment: environment)
            }
        guard result.status == 0 else {
            let detail = (result.stderr + result.stdout).split(separator: "\n").last.map(String.init) ?? ""
            throw Failure(description: "\(tool) failed (exit \(result.status)) for the throwaway PostgreSQL: \(detail)")
        }
    }

    /// The server binaries: the newest /usr/lib/postgresql/*/bin (Debian's layout).
    private static func findBinaries() throws -> URL {
        var candidates: [URL] = []
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append(root.appendingPathComponent(version).appendingPathComponent("bin"))
        }
        for candidate in candidates
        where FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("initdb").path) {
            return candidate
        }
        throw Failure(
            description: "no PostgreSQL server found for the demo's throwaway database; install it "
                + "(apt-get install -y postgresql) or give --database-url"
        )
    }
}
