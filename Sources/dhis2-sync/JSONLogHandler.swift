import Foundation
import Logging

/// One JSON object per line on stderr, for journald and log shippers: time, level, message, source and
/// every metadata key (pair, run, slice …) as its own field.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        FileHandle.standardError.write(Data(Self.line(event: event, fields: fields).utf8))
    }

    /// The JSON line for an event (with its newline). Keys are sorted so lines diff and grep well.
    static func line(event: LogEvent, fields: Logger.Metadata) -> String {
        var object: [String: Any] = [
            "time": Self.timestamp(Date()),
            "level": event.level.rawValue,
            "message": "\(event.message)",
            "source": event.source,
        ]
        for (key, value) in fields where object[key] == nil { object[key] = "\(value)" }
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options),
            let text = String(data: data, encoding: .utf8)
        else { return "{\"level\":\"error\",\"message\":\"unencodable log event\"}\n" }
        return text + "\n"
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
