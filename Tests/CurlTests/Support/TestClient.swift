import Testing

@testable import Curl

/// Runs `body` with a fresh client, checks that every transfer it started was freed, and shuts it down.
func withTestClient<Result: Sendable>(
    _ configuration: HTTPClient.Configuration = HTTPClient.Configuration(),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = HTTPClient(configuration: configuration, logger: TestSupport.logger)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        await client.shutdown()
        throw error
    }
    // Teardown runs on the curl thread after the body's consumer lets go, so give it a moment.
    let deadline = ContinuousClock.now + .seconds(5)
    while client.loop.liveTransfers.value != 0 && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(10))
    }
    #expect(client.loop.liveTransfers.value == 0, "transfer contexts leaked", sourceLocation: sourceLocation)
    await client.shutdown()
    return result
}
