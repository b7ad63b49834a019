#if canImport(Glibc)
import Glibc
#endif

/// Reads this process's resident set size from /proc.
enum ProcessMemory {
    /// Resets VmHWM to the current RSS (Linux ≥ 4.0: writing "5" to clear_refs).
    static func resetPeak() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else {
            return
        }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// Peak RSS in bytes since the last reset.
    static func peak() -> Int { Self.statusField("VmHWM:") }

    static func current() -> Int { Self.statusField("VmRSS:") }

    private static func statusField(_ name: String) -> Int {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else {
            return 0
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                break
            }
            bytes.append(contentsOf: buffer[..<count])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else {
            return 0
        }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kilobytes * 1024
    }
}
