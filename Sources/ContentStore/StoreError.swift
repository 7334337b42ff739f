/// The one error type of `ContentStore`: what could not be stored or found, and why.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A repository, distribution, version, package or user that does not exist.
        public static let notFound = Code("not-found")
        /// A name or base path already taken, or a filename already used with other bytes.
        public static let conflict = Code("conflict")
        /// A request that cannot be honoured as given (a bad name, an impossible target).
        public static let invalid = Code("invalid")
        /// More bytes than allowed.
        public static let tooLarge = Code("too-large")
        /// A digest or size that does not match what was declared.
        public static let digestMismatch = Code("digest-mismatch")
        /// The disk or database failed.
        public static let io = Code("io")
        /// Too much of something slow is already under way; try again shortly.
        public static let busy = Code("busy")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
