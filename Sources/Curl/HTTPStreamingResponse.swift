/// A response whose body is still arriving.
///
/// Iterate ``body`` (once) to receive it. Dropping the response without reading the body, or cancelling the
/// task that reads it, aborts the transfer.
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody

    public init(status: Int, headers: HTTPHeaders, body: HTTPResponseBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
