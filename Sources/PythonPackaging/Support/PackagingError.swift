/// The one error type of `PythonPackaging`: what kind of input was rejected, why, and where.
///
/// Parsers fill `input` and `span` so that a caller can point at the offending characters
/// (offsets count Unicode scalars of `input`). Metadata validation collects several problems
/// into `problems`, in the fixed order of the fields.
public struct PackagingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of input that was rejected.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let invalidName = Code("invalid-name")
        public static let invalidVersion = Code("invalid-version")
        public static let invalidSpecifier = Code("invalid-specifier")
        public static let invalidMarker = Code("invalid-marker")
        public static let undefinedComparison = Code("undefined-comparison")
        public static let undefinedEnvironmentName = Code("undefined-environment-name")
        public static let invalidRequirement = Code("invalid-requirement")
        public static let unsupportedRequirementsLine = Code("unsupported-requirements-line")
        public static let invalidFilename = Code("invalid-filename")
        public static let invalidTag = Code("invalid-tag")
        public static let invalidMetadata = Code("invalid-metadata")
        public static let invalidProvenance = Code("invalid-provenance")
    }

    public let code: Code
    /// A sentence saying what is wrong and, where it helps, what to do instead.
    public let message: String
    /// The text that was rejected, when there is one.
    public let input: String?
    /// The offending scalar offsets within `input`.
    public let span: Range<Int>?
    /// Individual problems, for errors that collect several (metadata validation).
    public let problems: [MetadataProblem]

    public init(
        _ code: Code, _ message: String, input: String? = nil, span: Range<Int>? = nil,
        problems: [MetadataProblem] = []
    ) {
        self.code = code
        self.message = message
        self.input = input
        self.span = span
        self.problems = problems
    }

    public var description: String {
        guard let input, let span else { return message }
        let pointer = String(repeating: " ", count: span.lowerBound)
            + String(repeating: "~", count: span.count) + "^"
        return "\(message)\n    \(input)\n    \(pointer)"
    }
}
