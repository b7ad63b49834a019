import HTTPTypes
import Hummingbird
import JSONStream
import Logging
import NIOCore
import Synchronization

/// A small queue endpoint in the style of dispatcher2, for testing middleware mode in-process.
///
/// `POST /queue` with a `dataValueSets` JSON body: checks the `Authorization` header, records the
/// request (query, value count, body size) and answers `202` with a small JSON receipt. It can be told
/// to fail the next requests, and can hand each accepted batch straight to a simulator's import, the
/// way a real middleware delivers it later.
public final class MiddlewareStub: Sendable {
    /// What the stub expects in `Authorization`.
    public enum Credential: Sendable, Hashable {
        case none
        case basic(username: String, password: String)
        /// `Authorization: Bearer <token>`.
        case bearer(String)
    }

    /// One request the stub answered.
    public struct Received: Sendable {
        public var query: QueryParameters
        /// Values in the body (0 when it did not parse).
        public var valueCount: Int
        public var bodyBytes: Int
        public var status: Int
        /// Whether the credential matched; a mismatch is answered 401.
        public var authorized: Bool
    }

    private struct State {
        var received: [Received] = []
        var failures: [(count: Int, status: Int)] = []
    }

    private let state = Mutex(State())
    private let credential: Credential
    /// Accepted batches are imported here at once (the middleware's delivery), when set.
    private let forwardTo: DHIS2Simulator?
    private let serverBox = Mutex<InProcessServer?>(nil)
    public let host: String

    private init(credential: Credential, forwardTo: DHIS2Simulator?, host: String) {
        self.credential = credential
        self.forwardTo = forwardTo
        self.host = host
    }

    /// Starts on an ephemeral port of `host`.
    public static func start(
        credential: Credential,
        forwardingTo destination: DHIS2Simulator? = nil,
        host: String = "127.0.0.1",
        logger: Logger
    ) async throws -> MiddlewareStub {
        let stub = MiddlewareStub(credential: credential, forwardTo: destination, host: host)
        let server = try await InProcessServer.start(Responder(stub: stub), host: host, port: 0, logger: logger)
        stub.serverBox.withLock { $0 = server }
        return stub
    }

    public var port: Int { serverBox.withLock { $0?.port ?? 0 } }

    /// The queue endpoint.
    public var url: String { "http://\(host):\(port)/queue" }

    public func stop() async {
        if let server = serverBox.withLock({ $0 }) { await server.stop() }
    }

    /// Answers the next `count` requests with `status` (after authentication), recording them as refused.
    public func failNext(_ count: Int, status: Int = 503) {
        state.withLock { $0.failures.append((count, status)) }
    }

    /// Every request so far, in arrival order.
    public var received: [Received] { state.withLock { $0.received } }

    /// The requests that were queued (answered 2xx).
    public var accepted: [Received] { received.filter { (200..<300).contains($0.status) } }

    // MARK: - Serving

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let stub: MiddlewareStub

        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            guard request.method == .post, request.uri.path == "/queue" else {
                return Self.answer(404, ["status": "unknown endpoint"])
            }
            let query = QueryParameters(request.uri.query)
            var body: [UInt8] = []
            for try await buffer in request.body { body.append(contentsOf: buffer.readableBytesView) }
            var valueCount = 0
            var decoder = DataValueSetDecoder()
            if (try? decoder.feed(body, { _ in valueCount += 1 })) == nil { valueCount = 0 }
            var received = Received(
                query: query,
                valueCount: valueCount,
                bodyBytes: body.count,
                status: 202,
                authorized: stub.authorizes(request.headers[.authorization])
            )
            let position = stub.state.withLock { state -> Int in
                if !received.authorized {
                    received.status = 401
                } else if !state.failures.isEmpty {
                    received.status = state.failures[0].status
                    state.failures[0].count -= 1
                    if state.failures[0].count <= 0 { state.failures.removeFirst() }
                }
                state.received.append(received)
                return state.received.count
            }
            switch received.status {
            case 401:
                return Self.answer(401, ["status": "unauthorized", "message": "bad or missing credentials"])
            case 202:
                if let destination = stub.forwardTo, case .success(let options) = ImportOptions.parse(query) {
                    _ = await SimulatorResponder(core: destination.core).runImport(
                        AsyncChunks(chunks: [ByteBuffer(bytes: body)]),
                        options: options,
                        username: destination.configuration.username
                    )
                }
                return Self.answer(202, ["status": "queued", "id": "\(position)", "values": "\(valueCount)"])
            default:
                return Self.answer(received.status, ["status": "unavailable", "message": "queue is not accepting"])
            }
        }

        private static func answer(_ status: Int, _ members: KeyValuePairs<String, String>) -> Response {
            var builder = JSONObjectBuilder()
            for (key, value) in members { builder.add(key, value) }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: HTTPResponse.Status(code: status),
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: builder.value.serialized()))
            )
        }
    }

    private func authorizes(_ header: String?) -> Bool {
        switch credential {
        case .none:
            return true
        case .bearer(let token):
            return header == "Bearer " + token
        case .basic(let username, let password):
            guard let header, header.hasPrefix("Basic "),
                let decoded = Base64.decode(String(header.dropFirst(6)))
            else { return false }
            return decoded == Array("\(username):\(password)".utf8)
        }
    }
}
