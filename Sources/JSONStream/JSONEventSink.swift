/// Receives the events of a ``JSONTokenizer``.
///
/// Offsets are absolute byte positions in the whole input (the first byte of the token). A ``JSONText``
/// points into the chunk being fed, or into the tokenizer's carry buffer, and is valid only during the call.
/// Throwing from any method stops the tokenizer; it then rethrows that error from every later call.
public protocol JSONEventSink {
    mutating func startObject(at offset: Int) throws
    mutating func endObject(at offset: Int) throws
    mutating func startArray(at offset: Int) throws
    mutating func endArray(at offset: Int) throws
    /// An object key (the raw bytes between the quotes).
    mutating func key(_ key: JSONText, at offset: Int) throws
    /// A string value (the raw bytes between the quotes).
    mutating func string(_ value: JSONText, at offset: Int) throws
    /// A number, as its raw text; it already matches the RFC 8259 number grammar.
    mutating func number(_ value: JSONText, at offset: Int) throws
    mutating func bool(_ value: Bool, at offset: Int) throws
    mutating func null(at offset: Int) throws
}
