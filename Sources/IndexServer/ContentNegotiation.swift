/// The representations of simple API pages, and choosing one from an `Accept` header with
/// q-values (PEP 691).
enum SimpleFormat: CaseIterable {
    /// `text/html`, the PEP 503 page older clients expect.
    case legacyHTML
    case html
    case json

    var contentType: String {
        switch self {
        case .legacyHTML: "text/html; charset=utf-8"
        case .html: "application/vnd.pypi.simple.v1+html"
        case .json: "application/vnd.pypi.simple.v1+json"
        }
    }

    /// The media types that name this format (PEP 691's `latest` aliases included).
    private var mediaTypes: [String] {
        switch self {
        case .legacyHTML: ["text/html"]
        case .html: ["application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html"]
        case .json: ["application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json"]
        }
    }

    /// The format for a request: `?format=` wins, then the `Accept` header's highest q-value.
    /// No header means `text/html`; exact matches beat wildcards; among equals, HTML first (the
    /// historical default). Nil when the client accepts none of them (answer 406).
    static func negotiate(accept: String?, formatParameter: String? = nil) -> SimpleFormat? {
        if let formatParameter, let chosen = allCases.first(where: { $0.mediaTypes.contains(formatParameter.lowercased()) }) {
            return chosen
        }
        guard let accept, accept.utf8.contains(where: { $0 != UInt8(ascii: " ") }) else { return .legacyHTML }
        let ranges = parse(accept)
        var best: (format: SimpleFormat, quality: Double, exact: Bool)?
        for format in allCases {
            var quality: Double?
            var exact = false
            for range in ranges {
                let matches: Bool
                let isExact = format.mediaTypes.contains(range.type)
                if isExact {
                    matches = true
                } else if range.type == "*/*" {
                    matches = true
                } else if range.type.hasSuffix("/*") {
                    matches = format.mediaTypes.contains { $0.hasPrefix(range.type.dropLast()) }
                } else {
                    matches = false
                }
                guard matches else { continue }
                // The most specific matching range decides the quality (RFC 9110).
                if isExact, !exact || range.quality > (quality ?? 0) {
                    quality = range.quality
                    exact = true
                } else if !exact, range.quality > (quality ?? -1) {
                    quality = range.quality
                }
            }
            guard let quality, quality > 0 else { continue }
            if best == nil || quality > best!.quality || (quality == best!.quality && exact && !best!.exact) {
                best = (format, quality, exact)
            }
        }
        return best?.format
    }

    /// The media ranges of an `Accept` header, lowercased, with their q-values. Works on the
    /// header's bytes: it is parsed on every page request.
    private static func parse(_ header: String) -> [(type: String, quality: Double)] {
        var ranges: [(type: String, quality: Double)] = []
        for item in header.utf8.split(separator: UInt8(ascii: ",")) {
            var parts = item.split(separator: UInt8(ascii: ";")).makeIterator()
            guard let type = parts.next().map(trimmed), !type.isEmpty else { continue }
            var quality = 1.0
            while let parameter = parts.next().map(trimmed) {
                if parameter.count >= 2, parameter[parameter.startIndex] | 0x20 == UInt8(ascii: "q"),
                    parameter[parameter.index(after: parameter.startIndex)] == UInt8(ascii: "=")
                {
                    quality = Double(String(decoding: parameter.dropFirst(2), as: UTF8.self)) ?? 0
                }
            }
            ranges.append((String(decoding: type.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self), quality))
        }
        return ranges
    }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }
}
