extension Version {
    /// The pre-release part of `packaging`'s comparison key: rank (dev-only, a, b, rc, none)
    /// and number.
    var preRankAndNumber: (rank: Int8, number: VersionNumber) { (shape.preRank, pre?.number ?? 0) }

    /// Compares epoch and release (trailing zeros ignored): -1, 0 or 1.
    func compareRelease(to other: Version) -> Int { Self.compare(self, other, throughSuffix: false) }

    /// Compares everything but the local label: -1, 0 or 1.
    func comparePublic(to other: Version) -> Int { Self.compare(self, other, throughSuffix: true) }

    /// Compares two versions the way `packaging` orders them: -1, 0 or 1.
    public func compare(to other: Version) -> Int {
        let publicOrder = Self.compare(self, other, throughSuffix: true)
        if publicOrder != 0 { return publicOrder }
        let mine = localDescription
        let theirs = other.localDescription
        if mine == theirs { return 0 }
        switch (local, other.local) {
        case (nil, _): return -1
        case (_, nil): return 1
        case (let a?, let b?): return a.lexicographicallyPrecedes(b) ? -1 : 1
        }
    }

    public static func < (lhs: Version, rhs: Version) -> Bool { lhs.compare(to: rhs) < 0 }
    public static func == (lhs: Version, rhs: Version) -> Bool { lhs.compare(to: rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        let shape = self.shape
        hasher.combine(epoch)
        for index in 0..<significantReleaseCount { hasher.combine(number(at: index + 1)) }
        if shape.hasSuffix {
            hasher.combine(shape.preRank)
            hasher.combine(pre?.number)
            hasher.combine(post)
            hasher.combine(dev)
        }
        hasher.combine(localDescription)
    }

    /// Orders by epoch, significant release and (optionally) the pre/post/dev suffix. Packed
    /// versions compare as integers; stored ones word by word when their numbers fit 64 bits.
    private static func compare(_ a: Version, _ b: Version, throughSuffix: Bool) -> Int {
        switch (a.representation, b.representation) {
        case (.packed(let left), .packed(let right)):
            return left.compare(to: right, throughSuffix: throughSuffix)
        case (.stored(let left), .stored(let right)):
            let result = left.withUnsafeMutablePointers { headerA, wordsA in
                right.withUnsafeMutablePointers { headerB, wordsB -> Int? in
                    guard !headerA.pointee.isLarge, !headerB.pointee.isLarge else { return nil }
                    return compareLayouts(
                        wordsA, headerA.pointee.shape, headerA.pointee.significantReleaseCount, wordsB, headerB.pointee.shape,
                        headerB.pointee.significantReleaseCount, throughSuffix: throughSuffix)
                }
            }
            if let result { return result }
        case (.packed(let left), .stored(let right)):
            if let result = compare(left, right, throughSuffix: throughSuffix) { return result }
        case (.stored(let left), .packed(let right)):
            if let result = compare(right, left, throughSuffix: throughSuffix) { return -result }
        }
        let left = (0..<(a.shape.releaseCount + 4)).map(a.number(at:))
        let right = (0..<(b.shape.releaseCount + 4)).map(b.number(at:))
        return left.withUnsafeBufferPointer { left in
            right.withUnsafeBufferPointer { right in
                compareLayouts(
                    UnsafeMutablePointer(mutating: left.baseAddress!), a.shape, a.significantReleaseCount,
                    UnsafeMutablePointer(mutating: right.baseAddress!), b.shape, b.significantReleaseCount,
                    throughSuffix: throughSuffix)
            }
        }
    }

    /// A packed version against a stored one whose numbers fit 64 bits, without allocating;
    /// nil when they do not fit.
    private static func compare(_ a: PackedVersion, _ b: VersionStorage, throughSuffix: Bool) -> Int? {
        let shape = a.shape
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: shape.releaseCount + 4) { words in
            for index in 0..<(shape.releaseCount + 4) { words[index] = a.number(at: index) }
            return b.withUnsafeMutablePointers { header, storedWords -> Int? in
                guard !header.pointee.isLarge else { return nil }
                return compareLayouts(
                    words.baseAddress!, shape, a.significantReleaseCount, storedWords, header.pointee.shape,
                    header.pointee.significantReleaseCount, throughSuffix: throughSuffix)
            }
        }
    }

    @inline(__always)
    static func compareLayouts<Number: Comparable & ExpressibleByIntegerLiteral>(
        _ a: UnsafeMutablePointer<Number>, _ ha: VersionStorage.Shape, _ countA: Int,
        _ b: UnsafeMutablePointer<Number>, _ hb: VersionStorage.Shape, _ countB: Int, throughSuffix: Bool
    ) -> Int {
        if a[0] != b[0] { return a[0] < b[0] ? -1 : 1 }
        var index = 1
        while index <= Swift.min(countA, countB) {
            if a[index] != b[index] { return a[index] < b[index] ? -1 : 1 }
            index += 1
        }
        if countA != countB { return countA < countB ? -1 : 1 }
        guard throughSuffix, ha.hasSuffix || hb.hasSuffix else { return 0 }
        if ha.preRank != hb.preRank { return ha.preRank < hb.preRank ? -1 : 1 }
        let preA: Number = ha.preKind >= 0 ? a[ha.releaseCount + 1] : 0
        let preB: Number = hb.preKind >= 0 ? b[hb.releaseCount + 1] : 0
        if preA != preB { return preA < preB ? -1 : 1 }
        if ha.hasPost != hb.hasPost { return ha.hasPost ? 1 : -1 }
        if ha.hasPost {
            let postA = a[ha.releaseCount + 2]
            let postB = b[hb.releaseCount + 2]
            if postA != postB { return postA < postB ? -1 : 1 }
        }
        if ha.hasDev != hb.hasDev { return ha.hasDev ? -1 : 1 }
        if ha.hasDev {
            let devA = a[ha.releaseCount + 3]
            let devB = b[hb.releaseCount + 3]
            if devA != devB { return devA < devB ? -1 : 1 }
        }
        return 0
    }
}
