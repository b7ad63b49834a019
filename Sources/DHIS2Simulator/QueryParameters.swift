/// The decoded query string of a request, keeping repeated parameters and their order.
public struct QueryParameters: Sendable {
    public private(set) var items: [(name: String, value: String)] = []

    public init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = QueryParameters.decode(pieces[0])
            let value = pieces.count > 1 ? QueryParameters.decode(pieces[1]) : ""
            items.append((name, value))
        }
    }

    /// The last value of `name` (Spring binds the first for scalars; clients rarely repeat scalars).
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// All values of a repeatable parameter; comma-separated lists are split too, as Spring does for
    /// collection-typed parameters.
    public func all(_ name: String, splitCommas: Bool = true) -> [String] {
        items.filter { $0.name == name }.flatMap { item in
            splitCommas ? item.value.split(separator: ",").map(String.init) : [item.value]
        }
    }

    public func contains(_ name: String) -> Bool {
        items.contains { $0.name == name }
    }

    /// A boolean parameter; nil when absent, `.failure` when not a boolean.
    func flag(_ name: String) -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true", "": return true
        case "false": return false
        default: return nil
        }
    }

    /// Percent-decoding with `+` as space (form encoding, which servlet containers apply to query strings).
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                if let high = iterator.next(), let low = iterator.next(), let value = hexValue(high, low) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func digit(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        guard let high = digit(high), let low = digit(low) else { return nil }
        return high << 4 | low
    }
}
