/// The identifiable part every DHIS2 metadata object shares.
public struct Identity: Sendable, Hashable {
    public var id: String
    public var code: String?
    public var name: String
    public var shortName: String?
    public var created: Timestamp
    public var lastUpdated: Timestamp
    /// Metadata attribute UID → value.
    public var attributeValues: [String: String]

    public init(
        id: String,
        code: String? = nil,
        name: String,
        shortName: String? = nil,
        created: Timestamp,
        lastUpdated: Timestamp? = nil,
        attributeValues: [String: String] = [:]
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.shortName = shortName
        self.created = created
        self.lastUpdated = lastUpdated ?? created
        self.attributeValues = attributeValues
    }

    /// The identifier of this object under `scheme`; nil when the object has none (no code, no attribute value).
    func identifier(_ scheme: IdScheme) -> String? {
        switch scheme {
        case .uid: id
        case .code: code
        case .name: name
        case .attribute(let attribute): attributeValues[attribute]
        }
    }
}

/// How objects are named in data value payloads and query parameters (`idScheme` and friends).
public enum IdScheme: Hashable, Sendable, CustomStringConvertible {
    case uid
    case code
    case name
    case attribute(String)

    /// Parses `UID`, `CODE`, `NAME`, `ID` (the database id, which the simulator treats as the UID) or
    /// `ATTRIBUTE:<uid>`, case-insensitively as DHIS2's `IdScheme.from` does.
    public init?(_ text: String) {
        let upper = text.uppercased()
        switch upper {
        case "UID", "ID", "UUID": self = .uid
        case "CODE": self = .code
        case "NAME": self = .name
        default:
            guard upper.hasPrefix("ATTRIBUTE:") else { return nil }
            let attribute = String(text.dropFirst("ATTRIBUTE:".count))
            guard UID.isValid(attribute) else { return nil }
            self = .attribute(attribute)
        }
    }

    public var description: String {
        switch self {
        case .uid: "UID"
        case .code: "CODE"
        case .name: "NAME"
        case .attribute(let attribute): "ATTRIBUTE:\(attribute)"
        }
    }
}

/// Finds objects of one kind by any id scheme.
struct IdentifierIndex: Sendable {
    private var byID: [String: Int] = [:]
    private var byCode: [String: Int] = [:]
    private var byName: [String: Int] = [:]
    private var byAttribute: [String: [String: Int]] = [:]

    init(_ identities: [Identity]) {
        for (index, identity) in identities.enumerated() {
            byID[identity.id] = index
            if let code = identity.code { byCode[code] = index }
            byName[identity.name] = index
            for (attribute, value) in identity.attributeValues {
                byAttribute[attribute, default: [:]][value] = index
            }
        }
    }

    func find(_ identifier: String, _ scheme: IdScheme) -> Int? {
        switch scheme {
        case .uid: byID[identifier]
        case .code: byCode[identifier]
        case .name: byName[identifier]
        case .attribute(let attribute): byAttribute[attribute]?[identifier]
        }
    }
}
