import Curl
import DHIS2
import Logging
import Sync

/// A pair's source and destination clients over one HTTP client, which is shut down when the body ends
/// however it ends.
enum PairClients {
    static func using<T>(
        _ pair: Pair,
        logger: Logger,
        _ body: (_ source: DHIS2Client, _ destination: DHIS2Client) async throws -> T
    ) async throws -> T {
        let http = HTTPClient(logger: logger)
        do {
            let result = try await body(
                DHIS2Client(instance: pair.source, http: http, logger: logger),
                DHIS2Client(instance: pair.destination, http: http, logger: logger)
            )
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }
}
