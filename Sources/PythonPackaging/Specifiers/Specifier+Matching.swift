extension Specifier {
    /// Whether `text` satisfies this clause, with `packaging`'s pre-release rules: with
    /// `prereleases` nil, a pre-release is accepted unless the clause was configured to refuse
    /// pre-releases; `false` refuses them; `true` accepts them. A string that is not a PEP 440
    /// version satisfies only an `===` clause that spells it.
    public func contains(_ text: String, prereleases: Bool? = nil) -> Bool {
        let policy = prereleases ?? resolvedPrereleases
        if op == .arbitrary {
            guard matchesArbitrary(text) else { return false }
            return PrereleasePolicy.keepsSingle(Version(text), policy: policy)
        }
        guard let candidate = Version(text) else { return false }
        return contains(parsed: candidate, policy: policy)
    }

    /// Whether `version` satisfies this clause (see `contains(_:prereleases:)` for strings).
    public func contains(_ version: Version, prereleases: Bool? = nil) -> Bool {
        let policy = prereleases ?? resolvedPrereleases
        if op == .arbitrary {
            guard matchesArbitrary(version.description) else { return false }
            return PrereleasePolicy.keepsSingle(version, policy: policy)
        }
        return contains(parsed: version, policy: policy)
    }

    private func contains(parsed candidate: Version, policy: Bool?) -> Bool {
        if policy == false, candidate.isPrerelease { return false }
        return matchesBounds(candidate)
    }

    /// The configured policy, else `true` when the clause implies pre-releases, else nil.
    var resolvedPrereleases: Bool? {
        if let prereleases { return prereleases }
        return impliedPrereleases == true ? true : nil
    }

    /// `===`: the candidate spelled exactly as the operand, ignoring case. Compared scalar by
    /// scalar, as Python compares strings (Swift's `==` would equate canonically equivalent ones).
    func matchesArbitrary(_ text: String) -> Bool { text.lowercased().unicodeScalars.elementsEqual(versionText.lowercased().unicodeScalars) }

    /// Whether `candidate` lies in the range this clause describes, regardless of pre-release
    /// policy. Boundaries follow PEP 440 as `packaging` draws them: `<=V` and `==V` take V's
    /// local variants, `<V` excludes V's pre-releases, `>V` excludes V's post-releases.
    func matchesBounds(_ candidate: Version) -> Bool {
        guard let version else { return false }
        switch op {
        case .arbitrary:
            return matchesArbitrary(candidate.description)
        case .greaterThanOrEqual:
            return candidate >= version
        case .lessThanOrEqual:
            return candidate.comparePublic(to: version) <= 0
        case .equal:
            return matchesEqual(candidate, version)
        case .notEqual:
            return !matchesEqual(candidate, version)
        case .compatible:
            let prefix = Array(version.release.dropLast())
            return candidate >= version && candidate < Self.nextPrefixDevZero(epoch: version.epoch, release: prefix)
        case .lessThan:
            let bound = version.isPrerelease ? version : version.replacing(dev: .some(0), local: .some(nil))
            return bound > Self.minimumVersion && candidate < bound
        case .greaterThan:
            if let dev = version.dev {
                return candidate >= version.replacing(dev: .some(dev.successor), local: .some(nil))
            }
            if let post = version.post {
                return candidate >= version.replacing(post: .some(post.successor), dev: .some(0), local: .some(nil))
            }
            // Above every post-release and local variant of `version`.
            let release = candidate.compareRelease(to: version)
            if release != 0 { return release > 0 }
            let mine = candidate.preRankAndNumber
            let theirs = version.preRankAndNumber
            if mine.rank != theirs.rank { return mine.rank > theirs.rank }
            return mine.number > theirs.number
        }
    }

    private func matchesEqual(_ candidate: Version, _ version: Version) -> Bool {
        if isWildcard {
            let lower = Version(epoch: version.epoch, release: version.release, dev: 0)
            return candidate >= lower
                && candidate < Self.nextPrefixDevZero(epoch: version.epoch, release: version.release)
        }
        if version.local != nil { return candidate == version }
        return candidate.comparePublic(to: version) == 0
    }

    /// The first version past a release prefix: `1.4` gives `1.5.dev0`.
    private static func nextPrefixDevZero(epoch: VersionNumber, release: [VersionNumber]) -> Version {
        var next = release
        next[next.count - 1] = next[next.count - 1].successor
        return Version(epoch: epoch, release: next, dev: 0)
    }

    /// `0.dev0`, below which nothing exists.
    static let minimumVersion = Version(release: [0], dev: 0)
}

/// `packaging`'s pre-release rules for lists of candidates.
enum PrereleasePolicy {
    /// What the rules keep of a one-element list: a lone candidate is always kept when the
    /// policy is undecided, since no final release competes with it.
    static func keepsSingle(_ version: Version?, policy: Bool?) -> Bool {
        guard policy == false else { return true }
        return !(version?.isPrerelease ?? false)
    }

    /// PEP 440's default: keep final releases (and non-PEP 440 strings seen with them); only if
    /// there is no final release at all, keep the pre-releases.
    static func filter<Item>(_ items: some Sequence<Item>, policy: Bool?, versionText: (Item) -> String) -> [Item] {
        switch policy {
        case true?:
            return Array(items)
        case false?:
            return items.filter { item in !(Version(versionText(item))?.isPrerelease ?? false) }
        case nil:
            var finals: [Item] = []
            var unparsedBeforeFinal: [Item] = []
            var nonFinal: [Item] = []
            var foundFinal = false
            for item in items {
                guard let version = Version(versionText(item)) else {
                    if foundFinal {
                        finals.append(item)
                    } else {
                        unparsedBeforeFinal.append(item)
                        nonFinal.append(item)
                    }
                    continue
                }
                if !version.isPrerelease {
                    if !foundFinal {
                        finals += unparsedBeforeFinal
                        foundFinal = true
                    }
                    finals.append(item)
                } else if !foundFinal {
                    nonFinal.append(item)
                }
            }
            return foundFinal ? finals : nonFinal
        }
    }
}
