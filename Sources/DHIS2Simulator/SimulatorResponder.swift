import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Routes requests to the simulated DHIS2 endpoints, after authentication, fault injection and logging.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let core: SimulatorCore

    /// What a route handler needs besides the request.
    struct Call {
        var method: String
        /// Normalised path: `/api/NN/` prefix and `.json` suffix removed.
        var path: String
        var segments: [Substring]
        var query: QueryParameters
        var rawPath: String
        var rawQuery: String
        /// The API version in the path (`/api/37/...`), if any.
        var pathVersion: Int?
        var username: String
        var faults: [Fault.Action]
        var baseURL: String
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let method = request.method.rawValue
        let rawPath = request.uri.path
        let rawQuery = request.uri.query ?? ""
        let (path, pathVersion) = SimulatorResponder.normalise(rawPath)
        var delay = core.configuration.latency
        let faults = core.faults.take(method: method, path: path)
        for case .delay(let extra) in faults { delay = (delay ?? .zero) + extra }
        if let delay { try await Task.sleep(for: delay) }

        var call = Call(
            method: method,
            path: path,
            segments: path.split(separator: "/"),
            query: QueryParameters(rawQuery),
            rawPath: rawPath,
            rawQuery: rawQuery,
            pathVersion: pathVersion,
            username: "",
            faults: faults,
            baseURL: "http://\(request.head.authority ?? "\(core.configuration.host):\(core.configuration.port)")"
        )
        let outcome = await route(request, &call)
        if outcome.logged == false {
            core.log.append(
                RequestLogEntry(
                    method: method,
                    path: rawPath,
                    query: rawQuery,
                    status: Int(outcome.response.status.code),
                    bytesIn: outcome.bytesIn,
                    bytesOut: outcome.bytesOut
                )
            )
        }
        return outcome.response
    }

    /// A response plus what the request log needs; streamed bodies log themselves when they end.
    struct Outcome {
        var response: Response
        var bytesIn = 0
        var bytesOut = 0
        var logged = false
    }

    private func route(_ request: Request, _ call: inout Call) async -> Outcome {
        if call.path == "/api/ping" && call.method == "GET" {
            return Outcome(response: Response(status: .ok))
        }
        guard call.path.hasPrefix("/api/") || call.path == "/api" else {
            return plainNotFound()
        }
        switch core.authenticator.authenticate(
            authorization: request.headers[.authorization],
            requestedWith: request.headers[HTTPField.Name("X-Requested-With")!]
        ) {
        case .user(let name):
            call.username = name
        case .redirectToLogin:
            var headers = HTTPFields()
            headers[.location] = core.version.loginPath
            headers[.contentType] = "text/html;charset=UTF-8"
            let body = "<html><body>Redirecting to login</body></html>"
            return Outcome(
                response: Response(
                    status: .found,
                    headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: body))
                ),
                bytesOut: body.utf8.count
            )
        case .unauthorized(let text, let challenge):
            var outcome = message(WebMessage(401, message: text))
            if challenge { outcome.response.headers[.wwwAuthenticate] = "ApiToken" }
            return outcome
        case .malformedToken(let text):
            return message(WebMessage(400, message: text))
        }
        for case .status(let code, let retryAfter) in call.faults {
            var outcome = message(WebMessage(code, message: "Injected fault: HTTP \(code)"))
            if let retryAfter { outcome.response.headers[.retryAfter] = String(retryAfter) }
            return outcome
        }
        do {
            return try await dispatch(request, call)
        } catch let webMessage as WebMessage {
            return message(webMessage)
        } catch {
            core.logger.error("request failed", metadata: ["path": "\(call.path)", "error": "\(error)"])
            return message(
                WebMessage(500, message: "An unexpected error has occured. Please contact your system administrator")
            )
        }
    }

    private func dispatch(_ request: Request, _ call: Call) async throws -> Outcome {
        let segments = call.segments
        let method = call.method
        guard segments.count >= 2 else { return plainNotFound() }
        switch (method, segments[1]) {
        case ("GET", "system") where segments.count == 3 && segments[2] == "ping":
            var headers = HTTPFields()
            headers[.contentType] = "text/plain;charset=UTF-8"
            return Outcome(
                response: Response(
                    status: .ok,
                    headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "pong"))
                ),
                bytesOut: 4
            )
        case ("GET", "system") where segments.count == 3 && segments[2] == "info":
            return json(systemInfo(call))
        case (_, "system") where segments.count >= 3 && (segments[2] == "tasks" || segments[2] == "taskSummaries"):
            return tasksRoute(call)
        case ("GET", "me"):
            if segments.count == 4 && segments[2] == "authorization" { return json(.bool(true)) }
            return json(me(call))
        case ("GET", "periodTypes"):
            return json(periodTypes())
        case ("GET", "dataValueSets") where segments.count == 2:
            return export(call)
        case ("POST", "dataValueSets") where segments.count == 2:
            return await importValues(request, call)
        case ("POST", "maintenance"), ("PUT", "maintenance"):
            return maintenance(call)
        case ("POST", "resourceTables"), ("PUT", "resourceTables"):
            return resourceTables(call)
        case (_, "dataIntegrity"):
            return try await dataIntegrity(request, call)
        case (_, let collection) where TrackerSchemaKind(rawValue: String(collection)) != nil:
            return try await trackerSchema(request, call, TrackerSchemaKind(rawValue: String(collection))!)
        case ("GET", let collection):
            guard let kind = MetadataKind(rawValue: String(collection)) else { return plainNotFound() }
            if segments.count == 2 { return try metadataList(kind, call) }
            if segments.count == 3 { return try metadataObject(kind, String(segments[2]), call) }
            return plainNotFound()
        default:
            return plainNotFound()
        }
    }

    // MARK: - Helpers

    /// Strips `/api/NN` version prefixes and a `.json` extension; returns the API version if present.
    static func normalise(_ path: String) -> (String, Int?) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var version: Int?
        if segments.count >= 2, segments[0] == "api", let number = Int(segments[1]), (20...99).contains(number) {
            version = number
            segments.remove(at: 1)
        }
        if var last = segments.last, last.hasSuffix(".json") {
            last.removeLast(5)
            segments[segments.count - 1] = last
        }
        return ("/" + segments.joined(separator: "/"), version)
    }

    func json(_ value: JSONValue, status: Int = 200, headers extra: HTTPFields = HTTPFields()) -> Outcome {
        let bytes = value.serialized()
        var headers = extra
        headers[.contentType] = "application/json;charset=UTF-8"
        if status >= 400 { headers[.cacheControl] = "no-cache, private" }
        return Outcome(
            response: Response(
                status: HTTPResponse.Status(code: status),
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            ),
            bytesOut: bytes.count
        )
    }

    func message(_ webMessage: WebMessage, headers: HTTPFields = HTTPFields()) -> Outcome {
        json(webMessage.json, status: webMessage.httpStatusCode, headers: headers)
    }

    /// Unknown paths are answered by the servlet container, not with a WebMessage.
    func plainNotFound() -> Outcome {
        var headers = HTTPFields()
        headers[.contentType] = "text/html;charset=UTF-8"
        let body = "<html><body><h1>HTTP Status 404 – Not Found</h1></body></html>"
        return Outcome(
            response: Response(
                status: .notFound,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: body))
            ),
            bytesOut: body.utf8.count
        )
    }
}
