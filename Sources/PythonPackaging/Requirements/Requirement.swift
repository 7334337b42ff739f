/// A PEP 508 dependency specifier: `name[extra1,extra2] (>=1.0,<2) ; python_version < "3.11"`
/// or `name @ https://…`. Parsing and the string form follow `packaging.requirements.Requirement`.
public struct Requirement: Hashable, Sendable, CustomStringConvertible {
    /// The project name as written.
    public let name: String
    /// The extras as written (duplicates removed).
    public let extras: Set<String>
    public let specifier: SpecifierSet
    public let url: String?
    public let marker: Marker?

    public init(parsing text: String) throws(PackagingError) {
        var tokenizer = DependencyTokenizer(text)
        let parsed = try RequirementParser.parse(&tokenizer)
        self.name = parsed.name
        self.extras = Set(parsed.extras)
        self.url = parsed.url
        self.marker = parsed.marker
        switch parsed.specifier {
        case .parsed(let set):
            self.specifier = set
        case .text(let specifierText):
            do throws(PackagingError) {
                self.specifier = try SpecifierSet(parsing: specifierText)
            } catch {
                throw PackagingError(.invalidRequirement, error.message, input: text)
            }
        }
    }

    /// The normalized project name.
    public var projectName: ProjectName { ProjectName(unchecked: name) }

    /// The extras, normalized.
    public var normalizedExtras: Set<String> { Set(extras.map(ProjectName.normalize)) }

    public var description: String {
        var text = name
        if !extras.isEmpty {
            let sorted = extras.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
            text += "[\(sorted.joined(separator: ","))]"
        }
        if !specifier.isEmpty { text += specifier.description }
        if let url {
            text += " @ \(url)"
            if marker != nil { text += " " }
        }
        if let marker { text += "; \(marker)" }
        return text
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.projectName == rhs.projectName && lhs.normalizedExtras == rhs.normalizedExtras
            && lhs.specifier == rhs.specifier && lhs.url == rhs.url && lhs.marker == rhs.marker
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(projectName)
        hasher.combine(normalizedExtras)
        hasher.combine(specifier)
        hasher.combine(url)
        hasher.combine(marker)
    }
}
