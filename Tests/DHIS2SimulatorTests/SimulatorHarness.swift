import Curl
import DHIS2Simulator
import Logging

/// Starts a simulator on an ephemeral port with a pinned reference date and talks to it over real HTTP.
struct SimulatorHarness: Sendable {
    let simulator: DHIS2Simulator
    let client: HTTPClient

    static let referenceDate = "2025-06-15"

    static func with<Result: Sendable>(
        version: ServerVersion = .v2_40,
        seed: UInt64 = 7,
        values: Int = 5_000,
        empty: Bool = false,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (SimulatorHarness) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "dhis2-sim-tests")
        logger.logLevel = .critical
        var configuration = SimulatorConfiguration()
        configuration.version = version
        configuration.seed = seed
        configuration.valueCount = values
        configuration.empty = empty
        configuration.referenceDate = referenceDate
        configuration.jobDelay = .milliseconds(5)
        configuration.apiToken = "d2p_testtoken"
        configure(&configuration)
        let simulator = try await DHIS2Simulator.start(configuration, logger: logger)
        let client = HTTPClient(configuration: HTTPClient.Configuration(), logger: logger)
        let harness = SimulatorHarness(simulator: simulator, client: client)
        do {
            let result = try await body(harness)
            await client.shutdown()
            await simulator.stop()
            return result
        } catch {
            await client.shutdown()
            await simulator.stop()
            throw error
        }
    }

    static let basicAdmin = "Basic " + "YWRtaW46ZGlzdHJpY3Q="  // admin:district

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var json: JSONValue? { try? JSONValue.parse(body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func get(
        _ path: String,
        _ query: [(String, String)] = [],
        authorization: String? = basicAdmin
    ) async throws -> Reply {
        try await send(.get, path, query, authorization: authorization)
    }

    func post(
        _ path: String,
        _ query: [(String, String)] = [],
        json: String,
        contentType: String = "application/json"
    ) async throws -> Reply {
        try await send(.post, path, query, body: Array(json.utf8), contentType: contentType)
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        _ query: [(String, String)] = [],
        body: [UInt8]? = nil,
        contentType: String? = nil,
        authorization: String? = basicAdmin
    ) async throws -> Reply {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let request = HTTPClientRequest(
            method: method,
            url: simulator.baseURL + path,
            query: query.map { HTTPClientRequest.QueryItem($0.0, $0.1) },
            headers: headers
        )
        let response = try await client.send(request, body: body.map { .bytes($0) }, maximumBodySize: 512 << 20)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    // MARK: - Metadata shortcuts

    var metadata: SimulatorMetadata { simulator.metadata }

    func dataSet(code: String) -> DataSet { metadata.dataSets.first { $0.identity.code == code }! }
    func dataElement(code: String) -> DataElement { metadata.dataElements.first { $0.identity.code == code }! }
    var root: OrganisationUnit { metadata.organisationUnits[0] }
    var facility: OrganisationUnit { metadata.organisationUnits.first { $0.level == 4 }! }
}
