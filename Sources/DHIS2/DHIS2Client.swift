import Curl
import Foundation
import Logging

/// The typed DHIS2 API shared by the sync engine and the maintenance commands.
///
/// Every request resolves the instance's credential reference anew, so a rotated token takes
/// effect without a restart. Redirects are never followed: DHIS2 answers a missing or rejected
/// login with a 302 to its login page, which this client reports as ``DHIS2Error/Code/unauthenticated``.
public struct DHIS2Client: Sendable {
    public let instance: DHIS2Instance
    let http: HTTPClient
    let logger: Logger
    let environment: [String: String]

    /// The transport, for requests beside the DHIS2 API that belong to the same run (a pair's middleware).
    public var httpClient: HTTPClient { http }

    /// Collected (non-streamed) answers are small metadata documents; this bounds a runaway one.
    public var maximumBodySize = 256 << 20
    /// How transient failures of repeatable requests are retried; ``RetryPolicy/none`` disables retries.
    public var retryPolicy = RetryPolicy.standard

    public init(
        instance: DHIS2Instance,
        http: HTTPClient,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.instance = instance
        self.http = http
        var logger = logger
        logger[metadataKey: "dhis2.instance"] = "\(instance.name)"
        self.logger = logger
        self.environment = environment
    }

    // MARK: System

    /// `GET /api/system/info`.
    public func systemInfo() async throws(DHIS2Error) -> SystemInfo {
        try await getJSON("system/info")
    }

    /// `GET /api/me`, with the fields the engine checks.
    public func currentUser() async throws(DHIS2Error) -> CurrentUser {
        try await getJSON(
            "me",
            query: [
                .init(
                    "fields",
                    "id,username,displayName,authorities,organisationUnits[id],dataViewOrganisationUnits[id]"
                )
            ]
        )
    }

    /// `GET /api/system/ping`: true when the server answers `pong` to these credentials.
    public func ping() async throws(DHIS2Error) -> Bool {
        let response = try await send(.get, "system/ping")
        return String(decoding: response.body, as: UTF8.self).contains("pong")
    }

    // MARK: Requests

    /// GETs an API path and decodes the JSON answer; any non-2xx becomes a ``DHIS2Error``.
    public func getJSON<T: Decodable>(
        _ path: String,
        query: [HTTPClientRequest.QueryItem] = []
    ) async throws(DHIS2Error) -> T {
        let response = try await send(.get, path, query: query)
        return try decodeJSON(response, endpoint: "GET /api/\(path)")
    }

    /// Decodes a collected JSON answer; a body that is not a `T` becomes ``DHIS2Error/Code/unexpectedResponse``.
    func decodeJSON<T: Decodable>(_ response: HTTPClientResponse, endpoint: String) throws(DHIS2Error) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw DHIS2Error(
                code: .unexpectedResponse,
                detail: "cannot read the answer as \(T.self): \(error)",
                httpStatus: response.status,
                endpoint: endpoint
            )
        }
    }

    /// Sends a request with the instance's credentials and collects the answer.
    ///
    /// 2xx answers are returned; anything else throws, except the statuses in `accepting`, which
    /// the caller reads itself (an import's 409 is a result, not a failure).
    ///
    /// GETs are retried under ``retryPolicy``; writes only when the caller passes `repeatable`, vouching
    /// that a second delivery is harmless (an idempotent data value import).
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [HTTPClientRequest.QueryItem] = [],
        body: [UInt8]? = nil,
        contentType: String = "application/json",
        accepting: Set<Int> = [],
        repeatable: Bool = false
    ) async throws(DHIS2Error) -> HTTPClientResponse {
        try await send(
            method,
            path,
            query: query,
            requestBody: body.map { .bytes($0) },
            contentType: contentType,
            accepting: accepting,
            repeatable: repeatable
        )
    }

    /// ``send(_:_:query:body:contentType:accepting:repeatable:)`` with any request body, a streamed one
    /// included (a stream is produced afresh for each attempt).
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [HTTPClientRequest.QueryItem] = [],
        requestBody body: HTTPClientRequest.Body?,
        contentType: String = "application/json",
        accepting: Set<Int> = [],
        repeatable: Bool = false
    ) async throws(DHIS2Error) -> HTTPClientResponse {
        let endpoint = "\(method.rawValue) /api/\(path)"
        return try await retrying(endpoint, repeatable: repeatable || method == .get) {
            () async throws(DHIS2Error) -> HTTPClientResponse in
            try await sendOnce(method, path, query: query, body: body, contentType: contentType, accepting: accepting)
        }
    }

    /// One try of ``send(_:_:query:body:contentType:accepting:repeatable:)``.
    private func sendOnce(
        _ method: HTTPMethod,
        _ path: String,
        query: [HTTPClientRequest.QueryItem],
        body: HTTPClientRequest.Body?,
        contentType: String,
        accepting: Set<Int>
    ) async throws(DHIS2Error) -> HTTPClientResponse {
        let endpoint = "\(method.rawValue) /api/\(path)"
        var request = HTTPClientRequest(method: method, url: instance.apiURL(path), query: query)
        try authorize(&request)
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        if body != nil { request.headers.replaceOrAdd(name: "Content-Type", value: contentType) }
        let response: HTTPClientResponse
        do {
            response = try await http.send(request, body: body, maximumBodySize: maximumBodySize)
        } catch {
            throw DHIS2Error(
                code: .transport,
                detail: "\(error)",
                endpoint: endpoint,
                underlying: error
            )
        }
        guard (200..<300).contains(response.status) || accepting.contains(response.status) else {
            var failure = HTTPFailure.error(status: response.status, body: response.body, endpoint: endpoint)
            failure.retryAfter = response.headers.first(name: "Retry-After")
            throw failure
        }
        return response
    }

    /// Adds the `Authorization` header, resolving the credential reference now.
    func authorize(_ request: inout HTTPClientRequest) throws(DHIS2Error) {
        let header = try instance.authentication.authorizationHeader(environment: environment)
        request.headers.replaceOrAdd(name: "Authorization", value: header.reveal())
    }
}
