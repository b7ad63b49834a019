import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 whose connections are handled by plain blocking code on their own threads:
/// for server behaviour Hummingbird will not produce (lying Content-Length, resets, silence).
final class RawTCPServer: Sendable {
    let port: Int
    private let listenSocket: Int32
    private let connections = OpenSockets()

    /// - Parameter handler: Called on a dedicated thread per accepted connection; the socket is closed after.
    init(handler: @escaping @Sendable (RawConnection) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw SocketError(operation: "socket")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw SocketError(operation: "bind/listen")
        }
        self.listenSocket = fd
        self.port = Self.localPort(of: fd)
        let connections = self.connections
        let thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else {
                    return
                }
                connections.list.withLock { $0.append(client) }
                let worker = Thread {
                    handler(RawConnection(socket: client))
                    Self.closeOnce(client, connections: connections)
                }
                worker.start()
            }
        }
        thread.start()
    }

    /// Stops accepting and closes any connection still open.
    func stop() {
        shutdown(self.listenSocket, Int32(SHUT_RDWR))
        close(self.listenSocket)
        let open = self.connections.list.withLock { connections in
            defer { connections.removeAll() }
            return connections
        }
        for socket in open {
            shutdown(socket, Int32(SHUT_RDWR))
        }
    }

    /// Only the handler thread closes its socket (`stop` merely shuts it down), so a descriptor is never
    /// closed twice or closed while reused.
    private static func closeOnce(_ socket: Int32, connections: OpenSockets) {
        connections.list.withLock { list in
            list.removeAll { $0 == socket }
        }
        close(socket)
    }

    static func localPort(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port that refuses connections: bound (so nobody else gets it) but not listening.
    static func withRefusingPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw SocketError(operation: "socket")
        }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw SocketError(operation: "bind")
        }
        return try await body(Self.localPort(of: fd))
    }

    private final class OpenSockets: Sendable {
        let list = Mutex<[Int32]>([])
    }

    struct SocketError: Error {
        let operation: String
    }
}

/// One accepted connection, used from its handler thread only.
struct RawConnection: Sendable {
    let socket: Int32

    /// Reads until the end of the request head (blank line); good enough for body-less test requests.
    func readRequestHead() {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.ends(with: Array("\r\n\r\n".utf8)) {
            let count = buffer.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, 1, 0) }
            guard count > 0 else {
                return
            }
            received.append(buffer[0])
        }
    }

    /// Blocks until the peer closes the connection (or it fails).
    func waitForClose() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ recv(self.socket, $0.baseAddress, $0.count, 0) }) > 0 {}
    }

    func write(_ string: String) {
        self.write(Array(string.utf8))
    }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else {
                return
            }
            offset += sent
        }
    }

    /// Makes the close after the handler returns a TCP reset instead of an orderly FIN.
    func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(self.socket, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        self.count >= suffix.count && Array(self[(self.count - suffix.count)...]) == suffix
    }
}
