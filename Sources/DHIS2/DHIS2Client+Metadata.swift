import Curl
import Foundation

/// A page of a metadata list with DHIS2's `pager`.
struct MetadataPage: Decodable {
    struct Pager: Decodable {
        var page: Int?
        var pageCount: Int?
        var total: Int?
        var nextPage: String?
    }

    var pager: Pager?
    var items: [[String: JSONScalarOrObject]]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        pager = try container.decodeIfPresent(Pager.self, forKey: Key(stringValue: "pager"))
        // The list sits under the resource's name, e.g. `organisationUnits`; it is the one array.
        items = []
        for key in container.allKeys where key.stringValue != "pager" {
            if let list = try? container.decode([[String: JSONScalarOrObject]].self, forKey: key) {
                items = list
            }
        }
    }
}

/// Any JSON value, kept for re-encoding into a typed model.
indirect enum JSONScalarOrObject: Codable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONScalarOrObject])
    case object([String: JSONScalarOrObject])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONScalarOrObject].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONScalarOrObject].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension DHIS2Client {
    /// Reads every page of a metadata list, e.g. `organisationUnits` with `fields` and `filter`s.
    ///
    /// Pages are requested until the pager says there are no more, so a list larger than one page
    /// (DHIS2's default is 50) is never silently cut.
    public func list<T: Decodable>(
        _ resource: String,
        as: T.Type = T.self,
        fields: String,
        filters: [String] = [],
        extra: [HTTPClientRequest.QueryItem] = [],
        pageSize: Int = 1000
    ) async throws(DHIS2Error) -> [T] {
        var results: [T] = []
        var page = 1
        while true {
            var query: [HTTPClientRequest.QueryItem] = [
                .init("fields", fields), .init("page", String(page)), .init("pageSize", String(pageSize)),
            ]
            query += filters.map { .init("filter", $0) }
            query += extra
            let response: MetadataPage = try await getJSON(resource, query: query)
            do {
                let data = try JSONEncoder().encode(response.items)
                results += try JSONDecoder().decode([T].self, from: data)
            } catch {
                throw DHIS2Error(
                    code: .unexpectedResponse,
                    detail: "cannot read \(resource) as \(T.self): \(error)",
                    endpoint: "GET /api/\(resource)"
                )
            }
            let pageCount = response.pager?.pageCount ?? page
            guard page < pageCount, !response.items.isEmpty else { return results }
            page += 1
        }
    }

    /// `organisationUnits` at one level, optionally only under some roots.
    ///
    /// One query per root: DHIS2 ANDs filters, and `rootJunction=OR` would OR the level filter too.
    public func organisationUnits(level: Int, under roots: [String] = []) async throws(DHIS2Error) -> [OrganisationUnit]
    {
        let fields = "id,name,code,path,level,parent[id]"
        guard !roots.isEmpty else {
            return try await list("organisationUnits", fields: fields, filters: ["level:eq:\(level)"])
        }
        var seen = Set<String>()
        var units: [OrganisationUnit] = []
        for root in roots {
            let found: [OrganisationUnit] = try await list(
                "organisationUnits",
                fields: fields,
                filters: ["level:eq:\(level)", "path:like:\(root)"]
            )
            for unit in found where seen.insert(unit.id).inserted { units.append(unit) }
        }
        return units
    }

    /// Every data set with its period type.
    public func dataSets() async throws(DHIS2Error) -> [DataSet] {
        try await list("dataSets", fields: "id,name,code,periodType")
    }
}

/// An organisation unit as the sync engine stores it.
public struct OrganisationUnit: Decodable, Sendable, Hashable {
    public struct Parent: Decodable, Sendable, Hashable { public var id: String }
    public var id: String
    public var name: String
    public var code: String?
    public var path: String
    public var level: Int
    public var parent: Parent?
}

/// A data set as the sync engine stores it.
public struct DataSet: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var code: String?
    public var periodType: String
}
