import CZlib

/// A gzip body that zlib could not inflate; `message` is worded as DHIS2's Java stack words it.
struct GzipError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Streaming gzip decompression: compressed buffers in, decompressed pieces of at most 64 KiB out.
///
/// Memory stays bounded by the piece size and zlib's 32 KiB window, whatever the body's size. Like
/// `java.util.zip.GZIPInputStream`, concatenated gzip members are read one after another, and bytes after a
/// complete member that do not start another one are ignored.
final class GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 64 << 10)
    /// Between members (or before the first): the body may end cleanly here.
    private var atMemberBoundary = true
    private var completedMembers = 0
    /// Trailing bytes that are not a gzip member: the rest of the body is dropped.
    private var ignoringRest = false

    init() throws(GzipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip wrapper only; DHIS2 sniffs gzip magic, a bare zlib stream is not gzip.
        guard czlib_inflate_init2(stream, 15 + 16) == Z_OK else {
            stream.deallocate()
            throw GzipError(message: "Cannot initialise gzip decompression")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates `input`, handing every decompressed piece to `deliver` before returning.
    func inflate(_ input: UnsafeRawBufferPointer, _ deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, !input.isEmpty, !ignoringRest else { return }
        // zlib does not write through next_in; the API just predates const.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while stream.pointee.avail_in > 0 {
            atMemberBoundary = false
            let (result, produced) = output.withUnsafeMutableBytes { buffer in
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(buffer.count)
                let result = CZlib.inflate(stream, Z_NO_FLUSH)
                return (result, buffer.count - Int(stream.pointee.avail_out))
            }
            if produced > 0 {
                try output.withUnsafeBytes { try deliver(UnsafeRawBufferPointer(rebasing: $0[..<produced])) }
            }
            switch result {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                atMemberBoundary = true
                completedMembers += 1
                inflateReset(stream)
            default:
                let message = Self.javaMessage(for: stream.pointee.msg)
                if completedMembers > 0 && message == Self.notGzip {
                    ignoringRest = true
                    atMemberBoundary = true
                    return
                }
                throw GzipError(message: message)
            }
        }
    }

    /// Checks that the body did not stop inside a member.
    func finish() throws(GzipError) {
        guard atMemberBoundary else { throw GzipError(message: "Unexpected end of ZLIB input stream") }
    }

    private static let notGzip = "Not in GZIP format"

    /// zlib's reason in `GZIPInputStream`'s words where it has its own, else zlib's as Java passes it on.
    private static func javaMessage(for message: UnsafePointer<CChar>?) -> String {
        let text = message.map { String(cString: $0) } ?? "invalid compressed data"
        switch text {
        case "incorrect header check", "unknown compression method", "unknown header flags set": return notGzip
        case "incorrect data check", "incorrect length check": return "Corrupt GZIP trailer"
        default: return text
        }
    }
}
