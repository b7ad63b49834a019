import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird server on a port of this process, for the simulator and the middleware stub.
struct InProcessServer: Sendable {
    private let task: Task<Void, any Error>
    private let group: ServiceGroup
    /// The bound port (the ephemeral one when 0 was asked for).
    let port: Int

    /// Binds the port and returns once the server accepts connections.
    static func start<Responder: HTTPResponder>(
        _ responder: Responder,
        host: String,
        port: Int,
        logger: Logger
    ) async throws -> InProcessServer where Responder.Context == BasicRequestContext {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        // Run under a ServiceGroup so that stop() can shut down gracefully: cancelling the server
        // while accepted connections are still queued traps inside NIO ("Deinited NIOAsyncWriter
        // without calling finish()", swift-server/swift-http-server#137).
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)],
                gracefulShutdownSignals: [],
                cancellationSignals: [],
                logger: logger
            )
        )
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            if case .failure(let error) = await task.result {
                throw DHIS2Simulator.StartError(description: "could not listen on \(host):\(port): \(error)")
            }
            throw DHIS2Simulator.StartError(description: "could not listen on \(host):\(port)")
        }
        return InProcessServer(task: task, group: group, port: bound)
    }

    /// Stops accepting connections and waits for the server to wind down.
    func stop() async {
        await group.triggerGracefulShutdown()
        // A client that keeps a connection busy must not hold the stop forever.
        let task = self.task
        let deadline = Task {
            try await Task.sleep(for: .seconds(5))
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
    }
}
