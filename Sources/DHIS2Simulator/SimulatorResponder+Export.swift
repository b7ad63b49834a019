import HTTPTypes
import Hummingbird
import NIOCore

extension SimulatorResponder {
    /// `GET /api/dataValueSets`: validates, then streams the JSON in 64 KiB chunks as the cursor produces it.
    func export(_ call: Call) -> Outcome {
        let format = call.query["format"]?.lowercased()
        if call.rawPath.hasSuffix(".xml") || call.rawPath.hasSuffix(".csv") || (format != nil && format != "json") {
            return message(WebMessage(406, message: "The simulator only serves JSON data value sets"))
        }
        let request: ExportRequest
        switch ExportRequest.parse(
            call.query,
            metadata: core.store.metadata,
            version: core.version,
            now: .now(),
            access: core.configuration.readAccess
        ) {
        case .success(let parsed): request = parsed
        case .failure(let webMessage): return message(webMessage)
        }
        let gzip = call.query["compression"]?.lowercased() == "gzip"
        var headers = HTTPFields()
        headers[.contentType] = gzip ? "application/json+gzip" : "application/json;charset=UTF-8"
        headers[.cacheControl] = "no-store"
        if gzip {
            headers[.contentDisposition] = "attachment; filename=dataValues.json.gz"
            headers[HTTPField.Name("Content-Transfer-Encoding")!] = "binary"
        }
        var truncateAfter: Int?
        var resetAfter: Int?
        var drip: (Int, Duration)?
        for action in call.faults {
            switch action {
            case .truncateExport(let values): truncateAfter = values
            case .resetConnection(let bytes): resetAfter = bytes
            case .slowDrip(let bytes, let interval): drip = (max(1, bytes), interval)
            default: break
            }
        }
        let truncation = truncateAfter
        let reset = resetAfter
        let dripping = drip
        let store = core.store
        let version = core.version
        let log = core.log
        let entry = RequestLogEntry(
            method: call.method,
            path: call.rawPath,
            query: call.rawQuery,
            status: 200,
            bytesIn: 0,
            bytesOut: 0
        )
        let body = ResponseBody { writer in
            var cursor = ExportCursor(store: store, request: request, version: version)
            var scratch: [UInt8] = []
            scratch.reserveCapacity(72 * 1024)
            var gzipWriter = gzip ? StoredGzipWriter() : nil
            var sent = 0
            var finished = false
            defer {
                var logged = entry
                logged.bytesOut = sent
                log.append(logged)
            }
            while !finished {
                scratch.removeAll(keepingCapacity: true)
                finished = cursor.fill(&scratch, target: 64 * 1024, stopAfter: truncation)
                var chunk = scratch
                if gzipWriter != nil {
                    chunk = gzipWriter!.compress(scratch, final: finished && truncation == nil)
                }
                if let limit = reset, sent + chunk.count > limit {
                    let allowed = max(0, limit - sent)
                    if allowed > 0 { try await writer.write(ByteBuffer(bytes: chunk[0..<allowed])) }
                    sent += allowed
                    throw InjectedReset()
                }
                if let (piece, interval) = dripping {
                    var offset = 0
                    while offset < chunk.count {
                        let end = min(chunk.count, offset + piece)
                        try await writer.write(ByteBuffer(bytes: chunk[offset..<end]))
                        offset = end
                        try await Task.sleep(for: interval)
                    }
                } else if !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                sent += chunk.count
            }
            try await writer.finish(nil)
        }
        return Outcome(response: Response(status: .ok, headers: headers, body: body), logged: true)
    }
}

/// Thrown inside a response body to drop the connection mid-stream.
struct InjectedReset: Error {}

/// A gzip member made of stored (uncompressed) deflate blocks: valid gzip that every client can inflate,
/// produced without a compression library. Sizes equal the JSON's, which is fine for a test server.
struct StoredGzipWriter {
    private var crc: UInt32 = 0xFFFF_FFFF
    private var length: UInt32 = 0
    private var started = false

    mutating func compress(_ data: [UInt8], final: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 64)
        if !started {
            out.append(contentsOf: [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
            started = true
        }
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let last = final && offset + count == data.count
            out.append(last ? 1 : 0)
            out.append(contentsOf: [
                UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF),
            ])
            out.append(contentsOf: data[offset..<offset + count])
            offset += count
        } while offset < data.count
        for byte in data { crc = CRC32.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        length &+= UInt32(truncatingIfNeeded: data.count)
        if final {
            let checksum = ~crc
            for shift in stride(from: 0, to: 32, by: 8) {
                out.append(UInt8(truncatingIfNeeded: checksum >> UInt32(shift)))
            }
            for shift in stride(from: 0, to: 32, by: 8) {
                out.append(UInt8(truncatingIfNeeded: length >> UInt32(shift)))
            }
        }
        return out
    }
}

enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
}
