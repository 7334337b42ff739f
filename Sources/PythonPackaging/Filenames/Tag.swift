/// A PEP 425 compatibility tag: interpreter, ABI and platform (`cp311-cp311-manylinux_2_17_x86_64`),
/// lowercased as `packaging.tags.Tag` keeps them.
public struct Tag: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let interpreter: String
    public let abi: String
    public let platform: String

    public init(interpreter: String, abi: String, platform: String) {
        self.interpreter = interpreter.lowercased()
        self.abi = abi.lowercased()
        self.platform = platform.lowercased()
    }

    public var description: String { "\(interpreter)-\(abi)-\(platform)" }

    public static func < (lhs: Tag, rhs: Tag) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    /// The most tags a compressed tag set may expand to (a crafted filename can name thousands).
    public static let maximumExpansion = 1_024

    /// Expands a possibly compressed tag set (`py2.py3-none-any`) into its tags, as
    /// `packaging.tags.parse_tag` does.
    public static func parseSet(_ text: String) throws(PackagingError) -> Set<Tag> {
        let components = PythonText.split(text, on: "-").map { PythonText.split($0, on: ".") }
        for parts in components where parts.contains(where: \.isEmpty) {
            throw PackagingError(.invalidTag, "Tag '\(text)' has an empty component", input: text)
        }
        guard components.count == 3 else {
            throw PackagingError(.invalidTag, "Tag '\(text)' must have exactly three components", input: text)
        }
        for interpreter in components[0] where !PythonText.isIdentifier(interpreter) {
            throw PackagingError(.invalidTag, "Tag '\(text)' has an invalid interpreter: '\(interpreter)'", input: text)
        }
        // Each part multiplies the set; real wheels expand to a few dozen tags.
        let counts = components.map(\.count)
        guard counts.allSatisfy({ $0 <= maximumExpansion }), counts[0] * counts[1] * counts[2] <= maximumExpansion else {
            throw PackagingError(.invalidTag, "Tag '\(text)' expands to more than \(maximumExpansion) tags", input: text)
        }
        var tags = Set<Tag>()
        for interpreter in components[0] {
            for abi in components[1] {
                for platform in components[2] {
                    tags.insert(Tag(interpreter: String(interpreter), abi: String(abi), platform: String(platform)))
                }
            }
        }
        return tags
    }
}
