/// One aggregate data value as exported by and imported into `/api/dataValueSets`.
///
/// All text fields live in one byte buffer (a 10-slot table of spans followed by the UTF-8 bytes), so a
/// decoded value costs at most one allocation, and none when the decoder can reuse the buffer because the
/// consumer did not keep the previous value. The writer copies fields straight from that buffer.
///
/// `nil` means the field was absent or an explicit JSON `null`; DHIS2 treats both the same.
public struct DataValue: Hashable, Sendable, CustomStringConvertible {
    /// The text fields, in DHIS2's export order.
    public enum Field: Int, CaseIterable, Sendable {
        case dataElement
        case period
        case orgUnit
        case categoryOptionCombo
        case attributeOptionCombo
        case value
        case storedBy
        case created
        case lastUpdated
        case comment

        /// The JSON key of the field.
        public var key: String {
            switch self {
            case .dataElement: "dataElement"
            case .period: "period"
            case .orgUnit: "orgUnit"
            case .categoryOptionCombo: "categoryOptionCombo"
            case .attributeOptionCombo: "attributeOptionCombo"
            case .value: "value"
            case .storedBy: "storedBy"
            case .created: "created"
            case .lastUpdated: "lastUpdated"
            case .comment: "comment"
            }
        }
    }

    @usableFromInline static let fieldCount = 10
    @usableFromInline static let tableBytes = fieldCount * 8
    /// Span marking a nil field.
    @usableFromInline static let absent = UInt64.max

    /// Span table (offset << 32 | length per field) followed by field bytes; empty means all fields nil.
    @usableFromInline var storage: [UInt8]
    /// Whether some field may contain a quote, backslash or control byte (so the writer must scan it).
    @usableFromInline var mayNeedEscaping: Bool

    /// `followup` flag; nil when absent or null.
    public var followup: Bool?
    /// Soft-deletion flag; DHIS2 writes it only as `true` and only with `includeDeleted`.
    public var deleted: Bool?

    /// A value with every field nil.
    public init() {
        storage = []
        mayNeedEscaping = false
    }

    public init(
        dataElement: String? = nil,
        period: String? = nil,
        orgUnit: String? = nil,
        categoryOptionCombo: String? = nil,
        attributeOptionCombo: String? = nil,
        value: String? = nil,
        storedBy: String? = nil,
        created: String? = nil,
        lastUpdated: String? = nil,
        comment: String? = nil,
        followup: Bool? = nil,
        deleted: Bool? = nil
    ) {
        self.init()
        let fields = [
            dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo, value, storedBy, created,
            lastUpdated, comment,
        ]
        for (index, text) in fields.enumerated() {
            self[Field(rawValue: index)!] = text
        }
        self.followup = followup
        self.deleted = deleted
    }

    /// A text field, decoded as a `String` (allocates only for text longer than 15 bytes).
    public subscript(field: Field) -> String? {
        get {
            withUTF8(field) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
        }
        set {
            guard var newValue else {
                setAbsent(field.rawValue)
                return
            }
            newValue.withUTF8 { bytes in
                setBytes(field.rawValue, UnsafeRawBufferPointer(bytes), mayNeedEscaping: true)
            }
        }
    }

    /// Calls `body` with the UTF-8 bytes of a field (nil when the field is nil), without copying.
    @inlinable
    public func withUTF8<Result>(
        _ field: Field,
        _ body: (UnsafeRawBufferPointer?) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeBytes { raw in
            guard raw.count >= DataValue.tableBytes else { return try body(nil) }
            let span = raw.loadUnaligned(fromByteOffset: field.rawValue * 8, as: UInt64.self)
            if span == DataValue.absent { return try body(nil) }
            return try body(
                UnsafeRawBufferPointer(rebasing: raw[Int(span >> 32)..<Int(span >> 32) + Int(span & 0xFFFF_FFFF)])
            )
        }
    }

    /// Whether the field is nil.
    public func isNil(_ field: Field) -> Bool {
        withUTF8(field) { $0 == nil }
    }

    public var dataElement: String? {
        get { self[.dataElement] }
        set { self[.dataElement] = newValue }
    }
    public var period: String? {
        get { self[.period] }
        set { self[.period] = newValue }
    }
    public var orgUnit: String? {
        get { self[.orgUnit] }
        set { self[.orgUnit] = newValue }
    }
    public var categoryOptionCombo: String? {
        get { self[.categoryOptionCombo] }
        set { self[.categoryOptionCombo] = newValue }
    }
    public var attributeOptionCombo: String? {
        get { self[.attributeOptionCombo] }
        set { self[.attributeOptionCombo] = newValue }
    }
    public var value: String? {
        get { self[.value] }
        set { self[.value] = newValue }
    }
    public var storedBy: String? {
        get { self[.storedBy] }
        set { self[.storedBy] = newValue }
    }
    public var created: String? {
        get { self[.created] }
        set { self[.created] = newValue }
    }
    public var lastUpdated: String? {
        get { self[.lastUpdated] }
        set { self[.lastUpdated] = newValue }
    }
    public var comment: String? {
        get { self[.comment] }
        set { self[.comment] = newValue }
    }

    public static func == (lhs: DataValue, rhs: DataValue) -> Bool {
        guard lhs.followup == rhs.followup && lhs.deleted == rhs.deleted else { return false }
        for field in Field.allCases {
            let same = lhs.withUTF8(field) { left in
                rhs.withUTF8(field) { right in
                    switch (left, right) {
                    case (nil, nil): true
                    case (let left?, let right?): left.elementsEqual(right)
                    default: false
                    }
                }
            }
            if !same { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        for field in Field.allCases {
            withUTF8(field) { bytes in
                if let bytes {
                    hasher.combine(bytes.count)
                    hasher.combine(bytes: bytes)
                } else {
                    hasher.combine(-1)
                }
            }
        }
        hasher.combine(followup)
        hasher.combine(deleted)
    }

    public var description: String {
        var parts: [String] = []
        for field in Field.allCases {
            if let text = self[field] { parts.append("\(field.key): \(String(reflecting: text))") }
        }
        if let followup { parts.append("followup: \(followup)") }
        if let deleted { parts.append("deleted: \(deleted)") }
        return "DataValue(\(parts.joined(separator: ", ")))"
    }

    // MARK: - Building (used by the decoder)

    /// Clears all fields, keeping the buffer when it is not shared.
    @inlinable
    mutating func reset() {
        storage.removeAll(keepingCapacity: true)
        storage.append(contentsOf: repeatElement(0xFF, count: DataValue.tableBytes))
        mayNeedEscaping = false
        followup = nil
        deleted = nil
    }

    @inlinable
    mutating func ensureTable() {
        if storage.isEmpty {
            storage.append(contentsOf: repeatElement(0xFF, count: DataValue.tableBytes))
        }
    }

    @inlinable
    mutating func setSpan(_ index: Int, _ span: UInt64) {
        storage.withUnsafeMutableBytes { $0.storeBytes(of: span, toByteOffset: index * 8, as: UInt64.self) }
    }

    @usableFromInline
    mutating func setAbsent(_ index: Int) {
        ensureTable()
        setSpan(index, DataValue.absent)
    }

    /// Appends `bytes` as the new content of field `index`; superseded bytes stay until the next compaction.
    @inlinable
    mutating func setBytes(_ index: Int, _ bytes: UnsafeRawBufferPointer, mayNeedEscaping escaping: Bool) {
        ensureTable()
        let offset = storage.count
        // Spans are 32-bit; the tokenizer's token limit keeps real fields far below this.
        precondition(offset + bytes.count <= UInt32.max, "DataValue text exceeds 4 GiB")
        storage.append(contentsOf: bytes)
        setSpan(index, UInt64(offset) << 32 | UInt64(bytes.count))
        if escaping { mayNeedEscaping = true }
        if storage.count > 4096 && storage.count > 2 * liveByteCount() + 256 { compact() }
    }

    /// Stores the decoded form of `text` as field `index`.
    @inlinable
    mutating func setText(_ index: Int, _ text: JSONText) {
        if !text.hasEscapes {
            // Unescaped JSON string content never holds a quote, backslash or control byte.
            setBytes(index, text.rawBytes, mayNeedEscaping: false)
            return
        }
        setEscapedText(index, text)
    }

    @usableFromInline
    mutating func setEscapedText(_ index: Int, _ text: JSONText) {
        ensureTable()
        let offset = storage.count
        text.decode(appendingTo: &storage)
        setSpan(index, UInt64(offset) << 32 | UInt64(storage.count - offset))
        mayNeedEscaping = true
    }

    @usableFromInline
    func liveByteCount() -> Int {
        var total = DataValue.tableBytes
        for field in Field.allCases {
            total += withUTF8(field) { $0?.count ?? 0 }
        }
        return total
    }

    @usableFromInline
    mutating func compact() {
        var fresh = DataValue()
        fresh.ensureTable()
        for field in Field.allCases {
            withUTF8(field) { bytes in
                if let bytes { fresh.setBytes(field.rawValue, bytes, mayNeedEscaping: false) }
            }
        }
        fresh.mayNeedEscaping = mayNeedEscaping
        fresh.followup = followup
        fresh.deleted = deleted
        self = fresh
    }
}
