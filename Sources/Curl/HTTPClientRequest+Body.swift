extension HTTPClientRequest {
    /// A request body: bytes in memory, or an async producer streamed with backpressure.
    ///
    /// With a known length the request carries `Content-Length`; without one, HTTP/1.1 chunked
    /// transfer-encoding is used.
    public struct Body: Sendable {
        enum Storage: Sendable {
            case bytes([UInt8])
            case stream(length: Int?, pump: @Sendable (UploadPipe) async throws -> Void)
        }

        let storage: Storage

        private init(storage: Storage) {
            self.storage = storage
        }

        /// A body held in memory.
        public static func bytes(_ bytes: [UInt8]) -> Body {
            Body(storage: .bytes(bytes))
        }

        /// The UTF-8 bytes of `string`.
        public static func string(_ string: String) -> Body {
            Body(storage: .bytes(Array(string.utf8)))
        }

        /// A body produced chunk by chunk. The sequence is iterated in its own task, and only as fast as
        /// libcurl sends: at most about ``HTTPClient/Configuration/uploadBufferSize`` bytes wait in memory.
        ///
        /// - Parameters:
        ///   - length: The exact total length if known (sent as `Content-Length`); `nil` for chunked encoding.
        ///     A producer that ends short fails the request with ``HTTPClientError/Code/invalidRequest``; bytes
        ///     beyond `length` are never sent, and fail the request too unless it has already completed.
        ///   - sequence: The producer. If it throws, the request fails with ``HTTPClientError/Code/uploadFailed``.
        public static func stream<Chunks: AsyncSequence & Sendable>(
            length: Int? = nil,
            _ sequence: Chunks
        ) -> Body where Chunks.Element == [UInt8] {
            Body(
                storage: .stream(
                    length: length,
                    pump: { pipe in
                        for try await chunk in sequence {
                            try await pipe.write(chunk)
                        }
                    }
                )
            )
        }

        /// The number of bytes, if known in advance.
        public var length: Int? {
            switch self.storage {
            case .bytes(let bytes):
                return bytes.count
            case .stream(let length, _):
                return length
            }
        }
    }
}
