import Hummingbird
import Logging
import NIOCore

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
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await app.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw ServerDidNotStart()
            }
            do {
                let result = try await body(port)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    struct ServerDidNotStart: Error {}
}
