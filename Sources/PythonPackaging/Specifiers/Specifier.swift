/// One PEP 440 version specifier clause, such as `>=1.2`, `==2.*` or `~=1.4.5`.
///
/// Parsing, equality and matching follow `packaging.specifiers.Specifier`: the version is kept
/// as written (`str` gives operator and version back), equality compares the normalized form
/// (`>=1.0` equals `>=1`), and matching places the version on PEP 440's number line.
public struct Specifier: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable, CaseIterable {
        case compatible = "~="
        case equal = "=="
        case notEqual = "!="
        case lessThanOrEqual = "<="
        case greaterThanOrEqual = ">="
        case lessThan = "<"
        case greaterThan = ">"
        case arbitrary = "==="
    }

    public let op: Operator
    /// The version as written after the operator (without surrounding whitespace).
    public let versionText: String
    /// The parsed version; for `==1.2.*` it is `1.2`; `nil` only for an `===` operand that is
    /// not a PEP 440 version.
    public let version: Version?
    /// Whether the version ends in `.*` (prefix matching).
    public let isWildcard: Bool
    /// An explicit pre-release policy; `nil` lets the specifier decide (`impliedPrereleases`).
    public var prereleases: Bool?

    public var description: String { op.rawValue + versionText }

    /// Whether this clause asks for pre-releases by itself: an operand that is a pre-release
    /// does, `!=` and `==X.*` never do (`packaging`'s `Specifier.prereleases`).
    public var impliedPrereleases: Bool? {
        if let prereleases { return prereleases }
        if op == .notEqual || (op == .equal && isWildcard) { return false }
        return version?.isPrerelease
    }

    /// The text that equality and hashing compare.
    var canonicalText: String {
        if op == .arbitrary || isWildcard { return versionText }
        guard let version else { return versionText }
        return op == .compatible ? version.description : version.trimmingTrailingZeros.description
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.op == rhs.op && lhs.canonicalText == rhs.canonicalText
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(canonicalText)
    }
}
