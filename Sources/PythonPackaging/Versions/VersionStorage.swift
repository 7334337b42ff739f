/// The memory of one `Version`: a single allocation holding the shape of the version in its
/// header and its numbers as 64-bit words, so that parsing allocates once and comparing two
/// versions reads two small contiguous buffers.
///
/// Words: `[epoch, release..., pre number, post number, dev number]`. A number too large for
/// 64 bits (Python's integers are unbounded) puts every number of that version in `large`
/// instead, in the same order, and such versions compare on the general path.
///
/// Instances are immutable once `make` returns, which is what makes `Version` safe to share.
final class VersionStorage: ManagedBuffer<VersionStorage.Header, UInt64> {
    struct Header {
        var releaseCount: Int
        var significantReleaseCount: Int
        /// -1 without a pre-release, else the `PreReleaseKind` raw value.
        var preKind: Int8
        var hasPost: Bool
        var hasDev: Bool
        /// Trivial copies of `localLabel != nil` and `large != nil`, so that hot paths read
        /// flags without touching the references.
        var hasLocal: Bool
        var isLarge: Bool
        /// The normalized local label (`ubuntu.1`): lowercase, dot-separated, numbers without
        /// leading zeros. Its segments are derived when needed.
        var localLabel: String?
        var large: [VersionNumber]?

        var wordCount: Int { releaseCount + 4 }

        /// The trivial fields alone, cheap to copy.
        var shape: Shape { Shape(releaseCount: releaseCount, preKind: preKind, hasPost: hasPost, hasDev: hasDev) }
    }

    /// Where the suffix numbers are and which are present.
    struct Shape {
        var releaseCount: Int
        var preKind: Int8
        var hasPost: Bool
        var hasDev: Bool

        /// `packaging`'s pre rank: dev-only releases first, then a, b, rc, then no pre-release.
        var preRank: Int8 {
            if preKind >= 0 { return preKind }
            return !hasPost && hasDev ? -1 : 3
        }

        var hasSuffix: Bool { preKind >= 0 || hasPost || hasDev }
    }

    /// Builds storage from numbers in word order.
    static func make(
        numbers: some Collection<VersionNumber>, releaseCount: Int, preKind: Int8, hasPost: Bool, hasDev: Bool,
        localLabel: String?
    ) -> VersionStorage {
        let allSmall = numbers.allSatisfy { if case .small = $0 { true } else { false } }
        var significant = releaseCount
        let release = numbers.dropFirst().prefix(releaseCount)
        while significant > 0, release[release.index(release.startIndex, offsetBy: significant - 1)].isZero { significant -= 1 }
        let header = Header(
            releaseCount: releaseCount, significantReleaseCount: significant, preKind: preKind, hasPost: hasPost,
            hasDev: hasDev, hasLocal: localLabel != nil, isLarge: !allSmall, localLabel: localLabel,
            large: allSmall ? nil : Array(numbers))
        let storage = unsafeDowncast(create(minimumCapacity: allSmall ? releaseCount + 4 : 0) { _ in header }, to: VersionStorage.self)
        if allSmall {
            storage.withUnsafeMutablePointerToElements { words in
                for (index, number) in numbers.enumerated() {
                    if case .small(let value) = number { words[index] = value }
                }
            }
        }
        return storage
    }

    /// Builds storage from small numbers written straight into the words.
    static func make(
        releaseCount: Int, preKind: Int8, hasPost: Bool, hasDev: Bool, localLabel: String?,
        fill: (UnsafeMutablePointer<UInt64>) -> Void
    ) -> VersionStorage {
        let header = Header(
            releaseCount: releaseCount, significantReleaseCount: 0, preKind: preKind, hasPost: hasPost, hasDev: hasDev,
            hasLocal: localLabel != nil, isLarge: false, localLabel: localLabel, large: nil)
        let storage = unsafeDowncast(create(minimumCapacity: releaseCount + 4) { _ in header }, to: VersionStorage.self)
        storage.withUnsafeMutablePointerToElements { words in
            fill(words)
            var significant = releaseCount
            while significant > 0, words[significant] == 0 { significant -= 1 }
            storage.header.significantReleaseCount = significant
        }
        return storage
    }

    /// The number at word position `index`.
    func number(at index: Int) -> VersionNumber {
        withUnsafeMutablePointers { header, words in
            header.pointee.isLarge ? header.pointee.large![index] : .small(words[index])
        }
    }

}
