import Foundation
import Logging
import NIOCore

/// Test helpers shared by the suites.
enum TestSupport {
    /// Quiet unless `CURL_TESTS_LOG_LEVEL` (e.g. `debug`) asks otherwise.
    static var logger: Logger {
        var logger = Logger(label: "curl-tests")
        let level = ProcessInfo.processInfo.environment["CURL_TESTS_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) }
        logger.logLevel = level ?? .critical
        return logger
    }

    /// A 64 KiB block with a recognisable pattern; streamed bodies repeat it.
    static let patternBlock: [UInt8] = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }

    static let patternBuffer = ByteBuffer(bytes: patternBlock)
}
