/// A PEP 508 environment marker, such as `python_version >= "3.8" and sys_platform != "win32"`.
///
/// Parsing, the normalized string form and evaluation follow `packaging.markers.Marker`.
/// Two markers are equal when their normalized strings are.
public struct Marker: Hashable, Sendable, CustomStringConvertible {
    /// One side of a comparison.
    public enum Operand: Hashable, Sendable {
        /// An environment variable, by its canonical name (`os.name` becomes `os_name`).
        case variable(String)
        /// A quoted string, unquoted and unescaped.
        case value(String)
    }

    public enum BooleanOperator: String, Hashable, Sendable {
        case and, or
    }

    /// A marker expression: comparisons joined by `and`/`or`, with parenthesized groups.
    public indirect enum Node: Hashable, Sendable {
        case comparison(Operand, String, Operand)
        /// `atoms` joined by `operators` (`operators.count == atoms.count - 1`).
        case group(atoms: [Node], operators: [BooleanOperator])
    }

    /// The whole expression (always a group at the top).
    public let root: Node

    init(root: Node) { self.root = root }

    /// Parses a marker expression.
    public init(parsing text: String) throws(PackagingError) {
        var tokenizer = DependencyTokenizer(text)
        do throws(PackagingError) {
            let root = try MarkerParser.parseMarker(&tokenizer, depth: 0)
            guard tokenizer.atEnd else { throw tokenizer.syntaxError("Expected end of marker expression") }
            self.root = root
        } catch {
            throw PackagingError(.invalidMarker, error.message, input: text, span: error.span)
        }
    }

    public var description: String { Self.format(root, first: true) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    private static func format(_ node: Node, first: Bool) -> String {
        switch node {
        case .comparison(let lhs, let op, let rhs):
            return "\(serialize(lhs)) \(op) \(serialize(rhs))"
        case .group(let atoms, let operators):
            if atoms.count == 1 { return format(atoms[0], first: first) }
            var parts = [format(atoms[0], first: false)]
            for (op, atom) in zip(operators, atoms.dropFirst()) {
                parts.append(op.rawValue)
                parts.append(format(atom, first: false))
            }
            let joined = parts.joined(separator: " ")
            return first ? joined : "(\(joined))"
        }
    }

    private static func serialize(_ operand: Operand) -> String {
        switch operand {
        case .variable(let name): return name
        case .value(let value):
            if !value.unicodeScalars.contains("\"") { return "\"\(value)\"" }
            return "'\(value)'"
        }
    }
}
