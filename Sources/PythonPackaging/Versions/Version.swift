/// A PEP 440 version, parsed and normalized exactly as `packaging.version.Version`.
///
/// Equality, hashing and ordering follow `packaging`'s comparison key: trailing zeros of the
/// release do not count (`1.0 == 1`), a dev-only release sorts before pre-releases, and local
/// segments sort after the public version they extend.
///
/// Sendable by inspection: it holds plain words or a `VersionStorage`, never written after it
/// is made.
public struct Version: Hashable, Comparable, @unchecked Sendable, CustomStringConvertible {
    /// The kind of a pre-release, in its normalized spelling.
    public enum PreReleaseKind: Int, Comparable, Sendable, CustomStringConvertible {
        case alpha = 0, beta = 1, releaseCandidate = 2
        public var description: String {
            switch self {
            case .alpha: "a"
            case .beta: "b"
            case .releaseCandidate: "rc"
            }
        }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A pre-release segment such as `rc1`.
    public struct PreRelease: Hashable, Sendable {
        public var kind: PreReleaseKind
        public var number: VersionNumber
        public init(kind: PreReleaseKind, number: VersionNumber) {
            self.kind = kind
            self.number = number
        }
    }

    /// A segment of the local version label: numbers compare as numbers, text as text, and
    /// text sorts before numbers.
    public enum LocalSegment: Hashable, Comparable, Sendable, CustomStringConvertible {
        case text(String)
        case number(VersionNumber)
        public var description: String {
            switch self {
            case .text(let text): text
            case .number(let number): number.description
            }
        }
        public static func < (lhs: Self, rhs: Self) -> Bool {
            switch (lhs, rhs) {
            case (.text(let a), .text(let b)): return a < b
            case (.number(let a), .number(let b)): return a < b
            case (.text, .number): return true
            case (.number, .text): return false
            }
        }
    }

    /// Most versions fit two words and need no allocation; the rest (epochs, local labels,
    /// long or huge numbers) live in one `VersionStorage`.
    enum Representation {
        case packed(PackedVersion)
        case stored(VersionStorage)
    }

    let representation: Representation

    init(_ representation: Representation) { self.representation = representation }

    /// Builds a version from its parts; `release` must not be empty.
    public init(
        epoch: VersionNumber = 0, release: [VersionNumber], pre: PreRelease? = nil, post: VersionNumber? = nil,
        dev: VersionNumber? = nil, local: [LocalSegment]? = nil
    ) {
        precondition(!release.isEmpty, "a version needs at least one release component")
        let numbers = [epoch] + release + [pre?.number ?? 0, post ?? 0, dev ?? 0]
        let preKind = Int8(pre?.kind.rawValue ?? -1)
        func word(_ number: VersionNumber?) -> UInt64? {
            guard let number else { return nil }
            if case .small(let value) = number { return value }
            return .max
        }
        let padded = release.map { word($0)! } + [0, 0, 0, 0]
        if epoch.isZero, local == nil,
            let packed = PackedVersion(
                release: (padded[0], padded[1], padded[2], padded[3]), count: release.count, preKind: preKind,
                pre: word(pre?.number) ?? 0, post: word(post), dev: word(dev))
        {
            representation = .packed(packed)
            return
        }
        representation = .stored(VersionStorage.make(
            numbers: numbers, releaseCount: release.count, preKind: preKind, hasPost: post != nil, hasDev: dev != nil,
            localLabel: local.map { $0.map(\.description).joined(separator: ".") }))
    }

    /// Which numbers are present and where (see `VersionStorage` for the word order).
    var shape: VersionStorage.Shape {
        switch representation {
        case .packed(let packed): packed.shape
        case .stored(let storage): storage.withUnsafeMutablePointerToHeader { $0.pointee.shape }
        }
    }

    /// The number at word position `index`: 0 epoch, then release, pre, post, dev.
    func number(at index: Int) -> VersionNumber {
        switch representation {
        case .packed(let packed): .small(packed.number(at: index))
        case .stored(let storage): storage.number(at: index)
        }
    }

    public var epoch: VersionNumber { number(at: 0) }

    /// The release segment as written, trailing zeros included.
    public var release: [VersionNumber] { (1...shape.releaseCount).map(number(at:)) }

    public var pre: PreRelease? {
        let shape = self.shape
        guard shape.preKind >= 0 else { return nil }
        return PreRelease(kind: PreReleaseKind(rawValue: Int(shape.preKind))!, number: number(at: shape.releaseCount + 1))
    }

    public var post: VersionNumber? {
        let shape = self.shape
        return shape.hasPost ? number(at: shape.releaseCount + 2) : nil
    }

    public var dev: VersionNumber? {
        let shape = self.shape
        return shape.hasDev ? number(at: shape.releaseCount + 3) : nil
    }

    /// The local label's segments.
    public var local: [LocalSegment]? {
        localDescription.map { label in
            label.split(separator: ".").map { segment in
                segment.utf8.allSatisfy(PythonText.isASCIIDigit) ? .number(VersionNumber(digits: segment.utf8)) : .text(String(segment))
            }
        }
    }

    /// The local label joined with dots, if any.
    public var localDescription: String? {
        guard case .stored(let storage) = representation else { return nil }
        return storage.withUnsafeMutablePointerToHeader { $0.pointee.localLabel }
    }

    /// The release length without trailing zeros, which is what comparison sees.
    var significantReleaseCount: Int {
        switch representation {
        case .packed(let packed): packed.significantReleaseCount
        case .stored(let storage): storage.withUnsafeMutablePointerToHeader { $0.pointee.significantReleaseCount }
        }
    }

    /// Whether this is a pre-release in PEP 440's sense: it has a pre-release or dev segment.
    public var isPrerelease: Bool { shape.preKind >= 0 || shape.hasDev }
    public var isPostrelease: Bool { shape.hasPost }
    public var isDevrelease: Bool { shape.hasDev }

    /// The version without its local label.
    public var publicVersion: Version { localDescription == nil ? self : replacing(local: .some(nil)) }

    /// Epoch and release only (`1!2.0rc1.post3` gives `1!2.0`).
    public var baseVersion: Version { Version(epoch: epoch, release: release) }

    /// A copy with some parts replaced (`packaging`'s `__replace__`).
    func replacing(
        release newRelease: [VersionNumber]? = nil, pre newPre: PreRelease?? = nil, post newPost: VersionNumber?? = nil,
        dev newDev: VersionNumber?? = nil, local newLocal: [LocalSegment]?? = nil
    ) -> Version {
        Version(
            epoch: epoch, release: newRelease ?? release, pre: newPre ?? pre, post: newPost ?? post,
            dev: newDev ?? dev, local: newLocal ?? local)
    }
}
