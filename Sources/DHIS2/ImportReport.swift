/// The outcome of a `/api/metadata` import (`dhis2-api.md` §3.1), or of a single-object write
/// answered with an `ObjectReport`.
public struct ImportReport: Decodable, Hashable, Sendable {
    public var status: ImportStatus
    public var stats: Stats?
    public var typeReports: [TypeReport]

    public struct Stats: Decodable, Hashable, Sendable {
        public var created: Int?
        public var updated: Int?
        public var deleted: Int?
        public var ignored: Int?
        public var total: Int?
    }

    public struct TypeReport: Decodable, Hashable, Sendable {
        /// The Java class name, e.g. `org.hisp.dhis.dataelement.DataElement`.
        public var klass: String?
        public var stats: Stats?
        public var objectReports: [ObjectReport]?
    }

    public struct ObjectReport: Decodable, Hashable, Sendable {
        public var klass: String?
        public var index: Int?
        public var uid: String?
        public var errorReports: [ErrorReport]?
    }

    public struct ErrorReport: Decodable, Hashable, Sendable {
        public var message: String?
        public var mainKlass: String?
        public var mainId: String?
        public var errorKlass: String?
        public var errorProperty: String?
        public var errorProperties: [String]?
        public var value: String?
        public var errorCode: String?

        private enum CodingKeys: String, CodingKey {
            case message, mainKlass, mainId, errorKlass, errorProperty, errorProperties, value, errorCode
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try container.decodeIfPresent(String.self, forKey: .message)
            mainKlass = try container.decodeIfPresent(String.self, forKey: .mainKlass)
            mainId = try container.decodeIfPresent(String.self, forKey: .mainId)
            errorKlass = try container.decodeIfPresent(String.self, forKey: .errorKlass)
            errorProperty = try container.decodeIfPresent(String.self, forKey: .errorProperty)
            errorCode = try container.decodeIfPresent(String.self, forKey: .errorCode)
            // Message arguments and the offending value are not always strings on the wire.
            errorProperties = try? container.decodeIfPresent([LenientString].self, forKey: .errorProperties)?.map(
                \.text
            )
            value = (try? container.decodeIfPresent(LenientString.self, forKey: .value))?.text
        }
    }

    public init(status: ImportStatus, stats: Stats? = nil, typeReports: [TypeReport] = []) {
        self.status = status
        self.stats = stats
        self.typeReports = typeReports
    }

    private enum CodingKeys: String, CodingKey { case status, stats, typeReports }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(ImportStatus.self, forKey: .status)
        stats = try container.decodeIfPresent(Stats.self, forKey: .stats)
        typeReports = try container.decodeIfPresent([TypeReport].self, forKey: .typeReports) ?? []
    }
}

/// Any JSON scalar read as text.
struct LenientString: Decodable, Hashable {
    var text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int.self) {
            text = String(integer)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else if let flag = try? container.decode(Bool.self) {
            text = String(flag)
        } else {
            text = ""
        }
    }
}
