/// The one error type of `PackageArchives`: why a distribution file could not be read.
public struct ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Not a zip or tar file at all, or cut short.
        public static let corrupt = Code("corrupt-archive")
        /// A feature we refuse to read: encryption, an unknown compression method.
        public static let unsupported = Code("unsupported-archive")
        /// An entry path that could escape a directory (`..`, absolute, links).
        public static let unsafePath = Code("unsafe-path")
        /// More data than the limits allow, or a suspicious compression ratio.
        public static let tooLarge = Code("too-large")
        /// No METADATA / PKG-INFO, or more than one.
        public static let missingMetadata = Code("missing-metadata")
        public static let duplicateMetadata = Code("duplicate-metadata")
        /// The metadata does not match the filename, or is invalid.
        public static let inconsistent = Code("inconsistent-distribution")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
