/// A comma-separated set of version specifiers, all of which must hold (`>=1.0,<2`).
///
/// Follows `packaging.specifiers.SpecifierSet`: its string form sorts and de-duplicates the
/// clauses, and `contains` and `filter` apply PEP 440's pre-release rules.
public struct SpecifierSet: Hashable, Sendable, CustomStringConvertible {
    /// The clauses in the order they were written.
    public let specifiers: [Specifier]
    /// An explicit pre-release policy for the whole set.
    public var prereleases: Bool?
    /// Whether the text had an `===` clause; such sets compare candidates as strings.
    let hasArbitrary: Bool

    /// The empty set, which every version satisfies.
    public init() {
        specifiers = []
        prereleases = nil
        hasArbitrary = false
    }

    public init(_ specifiers: [Specifier], prereleases: Bool? = nil) {
        self.specifiers = specifiers
        self.prereleases = prereleases
        self.hasArbitrary = specifiers.contains { $0.op == .arbitrary }
    }

    /// Parses comma-separated clauses; empty clauses between commas are ignored.
    public init(parsing text: String, prereleases: Bool? = nil) throws(PackagingError) {
        var clauses: [Specifier] = []
        for piece in PythonText.split(text, on: ",") {
            let clause = PythonText.strip(piece)
            guard !clause.isEmpty else { continue }
            do throws(PackagingError) {
                clauses.append(try Specifier(parsing: String(clause)))
            } catch {
                throw PackagingError(.invalidSpecifier, "Invalid specifier: '\(clause)' in '\(text)'", input: text)
            }
        }
        self.specifiers = clauses
        self.prereleases = prereleases
        self.hasArbitrary = clauses.contains { $0.op == .arbitrary }
    }

    public var isEmpty: Bool { specifiers.isEmpty }

    /// The clauses sorted by their text, without equal duplicates (as `str()` lists them).
    public var canonicalSpecifiers: [Specifier] {
        guard specifiers.count > 1 else { return specifiers }
        let sorted = specifiers.enumerated().sorted { a, b in
            let left = a.element.description.utf8
            let right = b.element.description.utf8
            if left.elementsEqual(right) { return a.offset < b.offset }
            return left.lexicographicallyPrecedes(right)
        }.map(\.element)
        var seen = Set<Specifier>()
        return sorted.filter { seen.insert($0).inserted }
    }

    public var description: String { canonicalSpecifiers.map(\.description).joined(separator: ",") }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.canonicalSpecifiers == rhs.canonicalSpecifiers }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonicalSpecifiers) }

    /// The set's own pre-release policy: configured, else `true` if any clause implies
    /// pre-releases, else nil.
    public var impliedPrereleases: Bool? {
        if let prereleases { return prereleases }
        if specifiers.isEmpty { return nil }
        return specifiers.contains { $0.impliedPrereleases == true } ? true : nil
    }
}

extension SpecifierSet {
    /// Whether `text` satisfies every clause. With `prereleases` nil a pre-release is accepted
    /// unless the set was configured to refuse them; `false` refuses them.
    public func contains(_ text: String, prereleases: Bool? = nil) -> Bool {
        if let version = Version(text), !hasArbitrary, !specifiers.isEmpty {
            return containsBounds(version, prereleases: prereleases)
        }
        return !filter([text], prereleases: prereleases, versionText: { $0 }).isEmpty
    }

    /// Whether `version` satisfies every clause.
    public func contains(_ version: Version, prereleases: Bool? = nil) -> Bool {
        if !hasArbitrary, !specifiers.isEmpty { return containsBounds(version, prereleases: prereleases) }
        return contains(version.description, prereleases: prereleases)
    }

    private func containsBounds(_ version: Version, prereleases: Bool?) -> Bool {
        if version.isPrerelease, prereleases == false || (prereleases == nil && self.prereleases == false) {
            return false
        }
        return specifiers.allSatisfy { $0.matchesBounds(version) }
    }

    /// The items whose version satisfies the set, in order, with PEP 440's default for
    /// pre-releases when `prereleases` is nil: pre-releases only if no final release matches.
    /// Items whose version is not PEP 440 are dropped unless the set is empty or uses `===`.
    public func filter<Item>(_ items: some Sequence<Item>, prereleases: Bool? = nil, versionText: (Item) -> String) -> [Item] {
        let policy = prereleases ?? impliedPrereleases
        guard !specifiers.isEmpty else {
            return PrereleasePolicy.filter(items, policy: policy, versionText: versionText)
        }
        if hasArbitrary {
            let matching = items.filter { item in
                specifiers.allSatisfy { $0.contains(versionText(item), prereleases: true) }
            }
            return PrereleasePolicy.filter(matching, policy: policy, versionText: versionText)
        }
        var finals: [Item] = []
        var prereleaseMatches: [Item] = []
        for item in items {
            guard let version = Version(versionText(item)) else { continue }
            if policy == false, version.isPrerelease { continue }
            guard specifiers.allSatisfy({ $0.matchesBounds(version) }) else { continue }
            if policy != nil || !version.isPrerelease {
                finals.append(item)
            } else if finals.isEmpty {
                prereleaseMatches.append(item)
            }
        }
        return policy == nil && finals.isEmpty ? prereleaseMatches : finals
    }

    /// The versions that satisfy the set (see `filter(_:prereleases:versionText:)`).
    public func filter(_ versions: [Version], prereleases: Bool? = nil) -> [Version] {
        filter(versions, prereleases: prereleases, versionText: \.description)
    }
}
