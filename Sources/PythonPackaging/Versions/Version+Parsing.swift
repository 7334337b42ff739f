extension Version {
    /// Parses a version string as `packaging.version.Version` does: surrounding whitespace,
    /// a leading `v`, any letter case and the alternative spellings of PEP 440 are accepted
    /// and normalized; anything else throws.
    public init(parsing text: String) throws(PackagingError) {
        guard let version = Version(text) else {
            throw PackagingError(.invalidVersion, "Invalid version: '\(text)' is not a PEP 440 version", input: text)
        }
        self = version
    }

    /// Parses a version string, or returns `nil` if it is not valid PEP 440.
    public init?(_ text: String) {
        var text = text
        let parsed = text.withUTF8 { buffer -> Version? in
            if let plain = PackedVersion(plainRelease: buffer) { return Version(.packed(plain)) }
            var start = 0
            var end = buffer.count
            while start < end, PythonText.isWhitespace(byte: buffer[start]) { start += 1 }
            while end > start, PythonText.isWhitespace(byte: buffer[end - 1]) { end -= 1 }
            if start < end, buffer[start] >= 0x80 || buffer[end - 1] >= 0x80 { return nil }
            var parser = VersionGrammar(bytes: UnsafeBufferPointer(rebasing: buffer[start..<end]))
            return parser.parseWholeVersion()
        }
        if let parsed {
            self = parsed
            return
        }
        // Non-ASCII whitespace around an otherwise valid version (Python strips it too).
        let stripped = PythonText.strip(text)
        guard stripped.utf8.count != text.utf8.count, stripped.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var strippedText = String(stripped)
        guard let retry = strippedText.withUTF8({ buffer -> Version? in
            var parser = VersionGrammar(bytes: buffer)
            return parser.parseWholeVersion()
        }) else { return nil }
        self = retry
    }

    /// Whether `text` is a valid PEP 440 version.
    public static func isValid(_ text: String) -> Bool { Version(text) != nil }
}

/// A hand-written matcher for `packaging`'s version regular expression. Every optional
/// group there is possessive: it takes what it can and never gives it back, and a group that
/// fails part-way matches nothing. This matcher does the same, left to right.
struct VersionGrammar {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var atEnd: Bool { position >= bytes.count }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private static func isSeparator(_ byte: UInt8?) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The end of a run of ASCII digits starting at `index` (equal to `index` if none).
    private func digitsEnd(from index: Int) -> Int {
        var end = index
        while end < bytes.count, PythonText.isASCIIDigit(bytes[end]) { end += 1 }
        return end
    }

    private func number(_ range: Range<Int>) -> VersionNumber { VersionNumber(digits: bytes[range]) }

    /// Whether the bytes at `index` spell `word`, ignoring ASCII case.
    private func matches(_ word: StaticString, at index: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<count where PythonText.lowercasedASCII(bytes[index + offset]) != pointer[offset] {
            return false
        }
        return true
    }

    mutating func parseWholeVersion() -> Version? {
        guard let parts = parseParts(allowLocal: true), atEnd else { return nil }
        return makeVersion(parts)
    }

    /// Matches the version part of a specifier, which the operator restricts: only `==` and
    /// `!=` take a `.*` suffix or a local label, and `~=` needs two release components.
    mutating func parseSpecifierVersion(
        allowWildcard: Bool, allowLocal: Bool, minimumReleaseCount: Int
    ) -> (version: Version, isWildcard: Bool)? {
        guard let shape = parseEpochAndRelease(), shape.releaseCount >= minimumReleaseCount else { return nil }
        if allowWildcard, byte(at: position) == UInt8(ascii: "."), byte(at: position + 1) == UInt8(ascii: "*") {
            position += 2
            return (makeVersion(Parts(shape: shape)), true)
        }
        return (makeVersion(parseSuffix(shape, allowLocal: allowLocal)), false)
    }

    var isAtEnd: Bool { atEnd }
    var offset: Int { position }

    /// Where the epoch and release digits are.
    struct Shape {
        var epoch: Range<Int>?
        var release: Range<Int>
        var releaseCount: Int
        /// The longest run of digits in epoch and release (more than 19 may not fit 64 bits).
        var longestNumber: Int
    }

    /// A number as the range of its digits; an empty range is an implicit zero.
    typealias Digits = Range<Int>

    /// Every part of a version, located but not yet converted.
    struct Parts {
        var shape: Shape
        var pre: (Version.PreReleaseKind, Digits)?
        var post: Digits?
        var dev: Digits?
        var local: String?
    }

    private mutating func parseParts(allowLocal: Bool) -> Parts? {
        guard let shape = parseEpochAndRelease() else { return nil }
        return parseSuffix(shape, allowLocal: allowLocal)
    }

    private mutating func parseSuffix(_ shape: Shape, allowLocal: Bool) -> Parts {
        var parts = Parts(shape: shape)
        guard !atEnd else { return parts }
        parts.pre = parsePreRelease()
        parts.post = parsePostRelease()
        parts.dev = parseDevRelease()
        parts.local = allowLocal ? parseLocal() : nil
        return parts
    }

    /// Builds the version in one allocation when every number fits 64 bits.
    private func makeVersion(_ parts: Parts) -> Version {
        let shape = parts.shape
        var fits = true
        if shape.longestNumber >= 20 {
            fits = shape.epoch.map(fitsWord) ?? true
            var cursor = shape.release.lowerBound
            while fits, cursor < shape.release.upperBound {
                let end = digitsEnd(from: cursor)
                fits = fitsWord(cursor..<end)
                cursor = end + 1
            }
        }
        fits = fits && (parts.pre.map { fitsWord($0.1) } ?? true) && (parts.post.map(fitsWord) ?? true)
            && (parts.dev.map(fitsWord) ?? true)
        let preKind = Int8(parts.pre?.0.rawValue ?? -1)
        guard fits else {
            var numbers = [shape.epoch.map(number) ?? 0]
            var cursor = shape.release.lowerBound
            while cursor < shape.release.upperBound {
                let end = digitsEnd(from: cursor)
                numbers.append(number(cursor..<end))
                cursor = end + 1
            }
            numbers += [parts.pre.map { number($0.1) } ?? 0, parts.post.map(number) ?? 0, parts.dev.map(number) ?? 0]
            return Version(.stored(VersionStorage.make(
                numbers: numbers, releaseCount: shape.releaseCount, preKind: preKind, hasPost: parts.post != nil,
                hasDev: parts.dev != nil, localLabel: parts.local)))
        }
        if parts.local == nil, shape.releaseCount <= 4, (shape.epoch.map(word) ?? 0) == 0 {
            var release: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var index = 0
            var value: UInt64 = 0
            for cursor in shape.release {
                let byte = bytes[cursor]
                guard byte == UInt8(ascii: ".") else {
                    value = value &* 10 &+ UInt64(byte &- 0x30)
                    continue
                }
                PackedVersion.store(value, at: index, in: &release)
                index += 1
                value = 0
            }
            PackedVersion.store(value, at: index, in: &release)
            if let packed = PackedVersion(
                release: release, count: shape.releaseCount, preKind: preKind, pre: parts.pre.map { word($0.1) } ?? 0,
                post: parts.post.map(word), dev: parts.dev.map(word))
            {
                return Version(.packed(packed))
            }
        }
        return Version(.stored(VersionStorage.make(
            releaseCount: shape.releaseCount, preKind: preKind, hasPost: parts.post != nil, hasDev: parts.dev != nil,
            localLabel: parts.local
        ) { words in
            words[0] = shape.epoch.map(word) ?? 0
            var index = 1
            var value: UInt64 = 0
            for cursor in shape.release {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: ".") {
                    words[index] = value
                    index += 1
                    value = 0
                } else {
                    value = value &* 10 &+ UInt64(byte &- 0x30)
                }
            }
            words[index] = value
            words[index + 1] = parts.pre.map { word($0.1) } ?? 0
            words[index + 2] = parts.post.map(word) ?? 0
            words[index + 3] = parts.dev.map(word) ?? 0
        }))
    }

    /// Whether the digits are a number below 2^64 (leading zeros do not count).
    private func fitsWord(_ digits: Digits) -> Bool {
        var start = digits.lowerBound
        while start < digits.upperBound, bytes[start] == UInt8(ascii: "0") { start += 1 }
        let count = digits.upperBound - start
        if count < 20 { return true }
        guard count == 20, case .small = number(start..<digits.upperBound) else { return false }
        return true
    }

    private func word(_ digits: Digits) -> UInt64 {
        var value: UInt64 = 0
        for index in digits { value = value &* 10 &+ UInt64(bytes[index] &- 0x30) }
        return value
    }

    /// `v?+ ([0-9]++!)?+ [0-9]++(\.[0-9]++)*+`
    private mutating func parseEpochAndRelease() -> Shape? {
        if let first = byte(at: position), first | 0x20 == UInt8(ascii: "v") { position += 1 }
        var epoch: Digits?
        let epochEnd = digitsEnd(from: position)
        if epochEnd > position, byte(at: epochEnd) == UInt8(ascii: "!") {
            epoch = position..<epochEnd
            position = epochEnd + 1
        }
        let start = position
        let firstEnd = digitsEnd(from: position)
        guard firstEnd > position else { return nil }
        var longest = Swift.max(firstEnd - position, epoch?.count ?? 0)
        position = firstEnd
        var count = 1
        while byte(at: position) == UInt8(ascii: ".") {
            let end = digitsEnd(from: position + 1)
            guard end > position + 1 else { break }
            longest = Swift.max(longest, end - position - 1)
            position = end
            count += 1
        }
        return Shape(epoch: epoch, release: start..<position, releaseCount: count, longestNumber: longest)
    }

    /// The pre-release spelling at `index` and its length, trying the spellings in the order
    /// the regular expression does (alpha, a, beta, b, preview, pre, c, rc): the first match wins.
    private func preReleaseSpelling(at index: Int) -> (Version.PreReleaseKind, Int)? {
        guard let first = byte(at: index) else { return nil }
        switch first | 0x20 {
        case UInt8(ascii: "a"): return (.alpha, matches("alpha", at: index) ? 5 : 1)
        case UInt8(ascii: "b"): return (.beta, matches("beta", at: index) ? 4 : 1)
        case UInt8(ascii: "p"):
            if matches("preview", at: index) { return (.releaseCandidate, 7) }
            return matches("pre", at: index) ? (.releaseCandidate, 3) : nil
        case UInt8(ascii: "c"): return (.releaseCandidate, 1)
        case UInt8(ascii: "r"): return matches("rc", at: index) ? (.releaseCandidate, 2) : nil
        default: return nil
        }
    }

    /// The length of the post-release spelling at `index` (post, rev or r, in that order).
    private func postReleaseSpelling(at index: Int) -> Int? {
        guard let first = byte(at: index) else { return nil }
        switch first | 0x20 {
        case UInt8(ascii: "p"): return matches("post", at: index) ? 4 : nil
        case UInt8(ascii: "r"): return matches("rev", at: index) ? 3 : 1
        default: return nil
        }
    }

    private mutating func parsePreRelease() -> (Version.PreReleaseKind, Digits)? {
        var index = position
        if Self.isSeparator(byte(at: index)) { index += 1 }
        guard let (kind, length) = preReleaseSpelling(at: index) else { return nil }
        index += length
        let value = optionalDigits(after: &index)
        position = index
        return (kind, value)
    }

    /// `-[0-9]++` or `[._-]?+ (post|rev|r) [._-]?+ [0-9]*+`
    private mutating func parsePostRelease() -> Digits? {
        if byte(at: position) == UInt8(ascii: "-") {
            let end = digitsEnd(from: position + 1)
            if end > position + 1 {
                defer { position = end }
                return position + 1..<end
            }
        }
        var index = position
        if Self.isSeparator(byte(at: index)) { index += 1 }
        guard let length = postReleaseSpelling(at: index) else { return nil }
        index += length
        let value = optionalDigits(after: &index)
        position = index
        return value
    }

    /// `[._-]?+ dev [._-]?+ [0-9]*+`
    private mutating func parseDevRelease() -> Digits? {
        var index = position
        if Self.isSeparator(byte(at: index)) { index += 1 }
        guard matches("dev", at: index) else { return nil }
        index += 3
        let value = optionalDigits(after: &index)
        position = index
        return value
    }

    /// `[._-]?+ [0-9]*+` after a pre, post or dev word; no digits is an implicit zero.
    private func optionalDigits(after index: inout Int) -> Digits {
        if Self.isSeparator(byte(at: index)) { index += 1 }
        let end = digitsEnd(from: index)
        defer { index = end }
        return index..<end
    }

    /// `\+ [a-z0-9]++ ([._-][a-z0-9]++)*+`, normalized: lowercase, dots between segments,
    /// numbers without leading zeros.
    private mutating func parseLocal() -> String? {
        guard byte(at: position) == UInt8(ascii: "+") else { return nil }
        func segmentEnd(_ from: Int) -> Int {
            var end = from
            while end < bytes.count, PythonText.isASCIIAlphanumeric(bytes[end]) { end += 1 }
            return end
        }
        var index = position + 1
        var end = segmentEnd(index)
        guard end > index else { return nil }
        // Segments are copied into a stack buffer; a label of up to 15 bytes then becomes a
        // String without any heap allocation.
        let rawEnd = { () -> Int in
            var last = end
            while Self.isSeparator(byte(at: last)), segmentEnd(last + 1) > last + 1 { last = segmentEnd(last + 1) }
            return last
        }()
        let label = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rawEnd - index + 1) { buffer -> String in
            var count = 0
            while true {
                if count > 0 {
                    buffer[count] = UInt8(ascii: ".")
                    count += 1
                }
                var segment = bytes[index..<end]
                if segment.allSatisfy(PythonText.isASCIIDigit) {
                    segment = segment.drop(while: { $0 == UInt8(ascii: "0") })
                    if segment.isEmpty { segment = bytes[(end - 1)..<end] }
                    for byte in segment {
                        buffer[count] = byte
                        count += 1
                    }
                } else {
                    for byte in segment {
                        buffer[count] = PythonText.lowercasedASCII(byte)
                        count += 1
                    }
                }
                index = end
                guard index < rawEnd else { break }
                index += 1
                end = segmentEnd(index)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
        position = index
        return label
    }
}
