import Logging
import NIOCore

/// What the calling task hands to the curl thread to start a transfer. Only `Sendable` values.
struct TransferStart: Sendable {
    enum Upload: Sendable {
        case bytes([UInt8])
        case pipe(UploadPipe, producer: Task<Void, Never>)
    }

    let id: UInt64
    let plan: EasyHandlePlan
    let upload: Upload?
    let source: HTTPResponseBody.Producer.Source
    /// Handed back inside the response once the head is complete; held by nobody else meanwhile.
    let body: HTTPResponseBody
    let continuation: CheckedContinuation<HTTPStreamingResponse, any Error>
    let followsRedirects: Bool
    let method: String
    let redactedURL: String
    let secrets: [String]
    let logger: Logger
}
