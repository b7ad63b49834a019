import CZlib
import Curl
import DHIS2Simulator
import Foundation
import JSONStream
import Testing

/// `POST /api/dataValueSets` with gzip bodies: sniffed by their magic bytes, inflated as they stream in.
@Suite("POST /api/dataValueSets, gzip bodies")
struct GzipImportTests {
    /// Real deflate compression through zlib, so the simulator sees what a client's gzip sends.
    static func gzip(_ plain: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(czlib_deflate_init2(&stream, 6, 15 + 16) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = plain
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(plain.count))) + 64)
        let written = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<written])
    }

    /// Monthly values of one element at one facility (1980–2019, all open), enough to span many network reads.
    static func payload(_ sim: SimulatorHarness, months: Int = 480) -> [UInt8] {
        let element = sim.dataElement(code: "DE_ANC4").identity.id
        let unit = sim.facility.identity.id
        let values = (0..<months).map { index in
            let period = "\(1980 + index / 12)\(String(format: "%02d", index % 12 + 1))"
            return (element, period, unit, Optional("\(index + 1)"), "")
        }
        return Array(ImportTests.payload(values).utf8)
    }

    static func post(
        _ sim: SimulatorHarness,
        _ body: [UInt8],
        contentType: String = "application/json",
        contentEncoding: String? = nil
    ) async throws -> SimulatorHarness.Reply {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: SimulatorHarness.basicAdmin)
        headers.add(name: "Content-Type", value: contentType)
        if let contentEncoding { headers.add(name: "Content-Encoding", value: contentEncoding) }
        let request = HTTPClientRequest(
            method: .post,
            url: sim.simulator.baseURL + "/api/dataValueSets",
            headers: headers
        )
        let response = try await sim.client.send(request, body: .bytes(body), maximumBodySize: 16 << 20)
        return SimulatorHarness.Reply(status: response.status, headers: response.headers, body: response.body)
    }

    @Test(
        arguments: [
            ("application/json", nil), ("application/json", "gzip"), ("application/json+gzip", nil),
        ] as [(String, String?)]
    )
    func gzipImportsTheSameAsPlain(contentType: String, contentEncoding: String?) async throws {
        let (plainReply, plainValues) = try await SimulatorHarness.with(empty: true) { sim in
            let reply = try await Self.post(sim, Self.payload(sim))
            return (ImportTests.count(reply), sim.simulator.writtenValues())
        }
        try await SimulatorHarness.with(empty: true) { sim in
            let plain = Self.payload(sim)
            let compressed = Self.gzip(plain)
            #expect(compressed.count < plain.count / 4)
            let reply = try await Self.post(sim, compressed, contentType: contentType, contentEncoding: contentEncoding)
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            #expect(ImportTests.count(reply) == plainReply)
            #expect(plainReply == [480, 0, 0, 0])
            let values = sim.simulator.writtenValues()
            #expect(values.count == plainValues.count)
            func keyed(_ values: [DataValue]) -> Set<String> {
                Set(values.map { "\($0.period ?? "")=\($0.value ?? "")" })
            }
            #expect(keyed(values) == keyed(plainValues))
            #expect(sim.simulator.requestLog.last?.bytesIn == compressed.count)
        }
    }

    @Test func concatenatedMembersAndTrailingBytesAreReadAsJavaReadsThem() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let plain = Self.payload(sim)
            let half = plain.count / 2
            // Two members splitting the JSON mid-token, then bytes that are no gzip member: GZIPInputStream
            // reads both members and stops at the junk.
            let body = Self.gzip(Array(plain[..<half])) + Self.gzip(Array(plain[half...])) + Array("junk".utf8)
            let reply = try await Self.post(sim, body)
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            #expect(ImportTests.count(reply) == [480, 0, 0, 0])
        }
    }

    @Test func corruptGzipIsAFailedImport() async throws {
        try await SimulatorHarness.with(empty: true) { sim in
            let compressed = Self.gzip(Self.payload(sim))
            var corrupt = compressed
            // Flip bits past the 10-byte header: the deflate data or its CRC no longer hold.
            for index in stride(from: 20, to: corrupt.count - 8, by: 7) { corrupt[index] ^= 0x5A }
            let truncated = Array(compressed.prefix(compressed.count / 2))
            for body in [corrupt, truncated] {
                let reply = try await Self.post(sim, body)
                #expect(reply.status == 409)
                let json = try #require(reply.json)
                #expect(json["status"]?.stringValue == "ERROR")
                #expect(json["response"]?["status"]?.stringValue == "ERROR")
                let description = json["response"]?["description"]?.stringValue ?? ""
                #expect(description.hasPrefix("The import process failed: "), "\(description)")
            }
            #expect(sim.simulator.writtenValues().isEmpty)
        }
    }
}
