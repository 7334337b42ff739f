/// A project (distribution) name, kept as written beside its PEP 503 normalized form.
///
/// Two names are the same project when their normalized forms are equal: lowercase, with
/// every run of `-`, `_` and `.` replaced by one `-` (`Foo.Bar__baz` is `foo-bar-baz`).
/// Equality, hashing and ordering use the normalized form.
public struct ProjectName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The name as it was written.
    public let original: String
    /// The PEP 503 normalized name.
    public let normalized: String

    /// Accepts a valid PEP 508 name: ASCII letters and digits, with `-`, `_` and `.` inside.
    public init(validating text: String) throws(PackagingError) {
        guard Self.isValid(text) else {
            throw PackagingError(
                .invalidName,
                "'\(text)' is not a valid project name: use ASCII letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
                input: text)
        }
        self.original = text
        self.normalized = Self.normalize(text)
    }

    /// Wraps a name read from an index or archive without validating it (lenient mirroring).
    public init(unchecked text: String) {
        self.original = text
        self.normalized = Self.normalize(text)
    }

    public var description: String { original }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.normalized == rhs.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.normalized < rhs.normalized }

    /// PEP 503 normalization, exactly as `packaging.utils.canonicalize_name`.
    public static func normalize(_ name: String) -> String {
        // Most names are written normalized already: the same string then, not a copy (a
        // listing of a million projects holds a million of them).
        if isNormalized(name) { return name }
        var isASCII = true
        for byte in name.utf8 where byte >= 0x80 {
            isASCII = false
            break
        }
        let lowered = isASCII ? name : name.lowercased()
        var out: [UInt8] = []
        out.reserveCapacity(lowered.utf8.count)
        var lastWasSeparator = false
        for byte in lowered.utf8 {
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
                if !lastWasSeparator { out.append(UInt8(ascii: "-")) }
                lastWasSeparator = true
            } else {
                out.append(isASCII ? PythonText.lowercasedASCII(byte) : byte)
                lastWasSeparator = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `name` is a valid name per the core metadata spec (PEP 508's identifier).
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard PythonText.isASCIIAlphanumeric(first), PythonText.isASCIIAlphanumeric(last) else { return false }
        return bytes.allSatisfy { byte in
            PythonText.isASCIIAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    /// Whether `name` is already in normalized form (`packaging.utils.is_normalized_name`):
    /// lowercase ASCII letters and digits, with single hyphens between them.
    public static func isNormalized(_ name: String) -> Bool {
        var previousWasDash = true
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): previousWasDash = false
            case UInt8(ascii: "-") where !previousWasDash: previousWasDash = true
            default: return false
            }
        }
        return !previousWasDash
    }
}
