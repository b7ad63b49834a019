/// A credential value. It prints as `***` everywhere (logs, errors, `dump`), so passing one
/// around cannot leak it; only ``reveal()`` gives the text, at the point of use.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret text, for building an Authorization header and nothing else.
    public func reveal() -> String { value }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
