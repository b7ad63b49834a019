import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird application on an ephemeral port of 127.0.0.1 for the duration of `body`.
enum TestHTTPServer {
    static func withServer<Result: Sendable>(
        _ router: Router<BasicRequestContext>,
        _ body: @Sendable (_ port: Int) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "curl-tests.server")
        // Hummingbird reports its own cancellation at shutdown as an error; that is noise here.
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        // Stopped gracefully, never by cancellation: cancelling a server while accepted connections
        // are still queued traps inside NIO (swift-server/swift-http-server#137).
        let services = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)],
                gracefulShutdownSignals: [],
                cancellationSignals: [],
                logger: logger
            )
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw ServerDidNotStart()
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await body(port))
            } catch {
                outcome = .failure(error)
            }
            await services.triggerGracefulShutdown()
            // A connection the test left busy must not hold the shutdown forever.
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw ServerDidNotStart()
            }
            _ = try? await group.next()
            group.cancelAll()
            return try outcome.get()
        }
    }

    struct ServerDidNotStart: Error {}
}
