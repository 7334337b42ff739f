/// One thing wrong with a metadata file: which field, and what.
public struct MetadataProblem: Sendable, Hashable, CustomStringConvertible {
    /// The header name as written in the file, lowercased (`requires-dist`), or `description`
    /// for the body.
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
