// Benchmark for the JSONStream module.
//
//   jsonstream-bench [--size-mb N] [--runs N] [--chunk-kb N] [--no-foundation]
//   jsonstream-bench --file PATH [same options]
//   jsonstream-bench --alloc-probe VALUES [--no-decode]   (run under valgrind; see docs/jsonstream.md)
//
// Generates (or reads) a dataValueSets export and times each stage; the best of --runs is reported.
// The last line is machine-readable.

import Foundation
import JSONStream

struct Options {
    var sizeMB = 100
    var runs = 5
    var chunkKB = 64
    var foundation = true
    var file: String?
    var allocProbe: Int?
    var decodeInProbe = true
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    func value(_ name: String) -> String {
        guard let next = arguments.popFirst() else {
            FileHandle.standardError.write(Data("missing value for \(name)\n".utf8))
            exit(2)
        }
        return next
    }
    while let argument = arguments.popFirst() {
        switch argument {
        case "--size-mb": options.sizeMB = Int(value(argument)) ?? options.sizeMB
        case "--runs": options.runs = max(1, Int(value(argument)) ?? options.runs)
        case "--chunk-kb": options.chunkKB = max(1, Int(value(argument)) ?? options.chunkKB)
        case "--no-foundation": options.foundation = false
        case "--file": options.file = value(argument)
        case "--alloc-probe": options.allocProbe = Int(value(argument))
        case "--no-decode": options.decodeInProbe = false
        default:
            FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
            exit(2)
        }
    }
    return options
}

/// Best wall time of `runs` runs, in seconds.
func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return fastest
}

/// Resident set size in KiB, from /proc (0 where unavailable).
func residentKB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ")[1]) ?? 0
    }
    return 0
}

func format(_ number: Double) -> String {
    String(format: "%.0f", number)
}

let options = parseOptions()

if let probeValues = options.allocProbe {
    // Minimal work for valgrind: generate, then (optionally) decode without keeping values.
    var generator = ExportGenerator()
    let input = generator.generate(values: probeValues)
    if options.decodeInProbe {
        let (values, _) = try decodeAll(input, chunkSize: options.chunkKB * 1024)
        print("alloc-probe values=\(values) bytes=\(input.count)")
    } else {
        print("alloc-probe values=0 bytes=\(input.count)")
    }
    exit(0)
}

let input: [UInt8]
if let path = options.file {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
        exit(1)
    }
    input = Array(data)
    print("input: \(path), \(input.count) bytes")
} else {
    var generator = ExportGenerator()
    let generated = generator.generate(targetBytes: options.sizeMB * 1_000_000)
    input = generated.bytes
    print("input: generated 2.40-shaped export, \(input.count) bytes, \(generated.values) values")
}
let megabytes = Double(input.count) / 1e6
let chunkSize = options.chunkKB * 1024
print("chunks of \(options.chunkKB) KiB, best of \(options.runs) runs")

var tokenEvents = 0
let tokenizeSeconds = try best(options.runs) { tokenEvents = try tokenizeAll(input, chunkSize: chunkSize).events }
let tokenizeMBps = megabytes / tokenizeSeconds
let eventsPerSecond = format(Double(tokenEvents) / tokenizeSeconds)
print("tokenize: \(format(tokenizeMBps)) MB/s (\(tokenEvents) events, \(eventsPerSecond) events/s)")

var decodedValues = 0
var checksum = 0
let rssBeforeDecode = residentKB()
let decodeSeconds = try best(options.runs) { (decodedValues, checksum) = try decodeAll(input, chunkSize: chunkSize) }
let rssGrowth = residentKB() - rssBeforeDecode
let decodeValuesPerSecond = Double(decodedValues) / decodeSeconds
let decodeMBps = megabytes / decodeSeconds
print(
    "decode: \(format(decodeValuesPerSecond)) values/s, \(format(decodeMBps)) MB/s "
        + "(\(decodedValues) values, RSS growth \(rssGrowth) KiB)"
)

let kept = try decodeKeeping(input, chunkSize: chunkSize)
var writtenBytes = 0
let writeSeconds = best(options.runs) { writtenBytes = writeAll(kept) }
let writeMBps = Double(writtenBytes) / 1e6 / writeSeconds
print("write: \(format(writeMBps)) MB/s (\(writtenBytes) bytes, \(format(Double(kept.count) / writeSeconds)) values/s)")

var foundationMBps = 0.0
if options.foundation {
    let data = Data(input)
    var objectCount = 0
    let foundationSeconds = try best(1) {
        let object = try JSONSerialization.jsonObject(with: data)
        objectCount = ((object as? [String: Any])?["dataValues"] as? [Any])?.count ?? 0
    }
    foundationMBps = megabytes / foundationSeconds
    print("foundation JSONSerialization: \(format(foundationMBps)) MB/s (\(objectCount) values, one run)")
}

var summary =
    "tokenize_MBps=\(format(tokenizeMBps)) decode_values_per_s=\(format(decodeValuesPerSecond)) "
    + "decode_MBps=\(format(decodeMBps)) write_MBps=\(format(writeMBps)) foundation_MBps=\(format(foundationMBps))"
if options.file != nil { summary += " values=\(decodedValues)" }
print(summary)
