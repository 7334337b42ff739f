/// The common version, `X.Y.Z` with perhaps a pre, post or dev segment and small numbers,
/// held in two words with no allocation. Two packed versions compare as two integers.
///
/// `release`: up to four components, 24 + 16 + 16 + 8 bits, most significant first, missing
/// ones zero (so trailing zeros compare equal, as PEP 440 wants).
/// `suffix`, most significant first: pre rank + 1 (3 bits), pre number (16), post flag (1),
/// post number (16), 1 if there is no dev segment (1), dev number (16); then, outside the
/// compared bits, the number of release components as written (3 bits).
struct PackedVersion: Hashable {
    let release: UInt64
    let suffix: UInt64

    /// Packs the parts, or returns nil when they do not fit (epoch, local label, five or more
    /// release components, or a number too wide).
    init?(release numbers: (UInt64, UInt64, UInt64, UInt64), count: Int, preKind: Int8, pre: UInt64, post: UInt64?, dev: UInt64?) {
        guard count <= 4, pre <= 0xFFFF, (post ?? 0) <= 0xFFFF, (dev ?? 0) <= 0xFFFF,
            numbers.0 < 1 << 24, numbers.1 < 1 << 16, numbers.2 < 1 << 16, numbers.3 < 1 << 8
        else { return nil }
        let shape = VersionStorage.Shape(releaseCount: count, preKind: preKind, hasPost: post != nil, hasDev: dev != nil)
        release = numbers.0 << 40 | numbers.1 << 24 | numbers.2 << 8 | numbers.3
        suffix = UInt64(shape.preRank + 1) << 61 | (shape.preKind >= 0 ? pre : 0) << 45 | (post != nil ? 1 : 0) << 44
            | (post ?? 0) << 28 | (dev == nil ? 1 : 0) << 27 | (dev ?? 0) << 11 | UInt64(count) << 8
    }

    /// The two words as they are (see above).
    init(release: UInt64, suffix: UInt64) {
        self.release = release
        self.suffix = suffix
    }

    /// The commonest spelling, digits and dots alone (`2.31.0`), read in one pass; nil for
    /// anything else (which the grammar then reads), including numbers too wide to pack.
    init?(plainRelease bytes: UnsafeBufferPointer<UInt8>) {
        var release: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        var value: UInt64 = 0
        var digits = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                // Nine digits always fit; longer numbers (leading zeros included) take the grammar.
                guard digits < 9 else { return nil }
                value = value &* 10 &+ UInt64(digit)
                digits += 1
                continue
            }
            guard byte == UInt8(ascii: "."), digits > 0, count < 3 else { return nil }
            Self.store(value, at: count, in: &release)
            count += 1
            value = 0
            digits = 0
        }
        guard digits > 0 else { return nil }
        Self.store(value, at: count, in: &release)
        self.init(release: release, count: count + 1, preKind: -1, pre: 0, post: nil, dev: nil)
    }

    static func store(_ value: UInt64, at index: Int, in release: inout (UInt64, UInt64, UInt64, UInt64)) {
        switch index {
        case 0: release.0 = value
        case 1: release.1 = value
        case 2: release.2 = value
        default: release.3 = value
        }
    }

    var releaseCount: Int { Int((suffix >> 8) & 0x7) }

    var shape: VersionStorage.Shape {
        let rank = Int8((suffix >> 61) & 0x7) - 1
        let hasPost = (suffix >> 44) & 1 == 1
        let hasDev = (suffix >> 27) & 1 == 0
        let preKind: Int8 = rank >= 0 && rank <= 2 ? rank : -1
        return VersionStorage.Shape(releaseCount: releaseCount, preKind: preKind, hasPost: hasPost, hasDev: hasDev)
    }

    /// The release component at `index` (0-based).
    func component(_ index: Int) -> UInt64 {
        switch index {
        case 0: release >> 40
        case 1: (release >> 24) & 0xFFFF
        case 2: (release >> 8) & 0xFFFF
        default: release & 0xFF
        }
    }

    var significantReleaseCount: Int {
        var count = releaseCount
        while count > 0, component(count - 1) == 0 { count -= 1 }
        return count
    }

    /// The number at `Version` word position `index`: 0 epoch, then release, pre, post, dev.
    func number(at index: Int) -> UInt64 {
        let count = releaseCount
        switch index {
        case 0: return 0
        case 1...count: return component(index - 1)
        case count + 1: return (suffix >> 45) & 0xFFFF
        case count + 2: return (suffix >> 28) & 0xFFFF
        default: return (suffix >> 11) & 0xFFFF
        }
    }

    /// -1, 0 or 1; `throughSuffix` false compares the release alone.
    func compare(to other: PackedVersion, throughSuffix: Bool) -> Int {
        if release != other.release { return release < other.release ? -1 : 1 }
        guard throughSuffix else { return 0 }
        let mine = suffix >> 11
        let theirs = other.suffix >> 11
        return mine == theirs ? 0 : (mine < theirs ? -1 : 1)
    }
}
