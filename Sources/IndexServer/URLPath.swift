import PythonPackaging

/// Percent-encoding of URL path segments, both ways.
enum URLPath {
    /// Escapes what may not stand in a path segment (RFC 3986 `pchar`).
    static func escape(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            if isAllowed(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Decodes `%XX` escapes; nil if an escape is malformed or the result is not UTF-8.
    static func unescape(_ segment: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        var iterator = segment.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@".utf8.contains(byte)
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Version strings in PEP 440 order; strings that are not PEP 440 follow, alphabetically.
enum VersionList {
    static func sorted(_ versions: [String]) -> [String] {
        let unique = Array(Set(versions))
        let valid = unique.compactMap { text in Version(text).map { (text, $0) } }
        let invalid = unique.filter { Version($0) == nil }.sorted()
        return Version.sorted(valid, by: \.1).map(\.0) + invalid
    }
}
