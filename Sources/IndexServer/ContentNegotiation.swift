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
        guard let accept, !accept.allSatisfy({ $0 == " " }) else { return .legacyHTML }
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

    private static func parse(_ header: String) -> [(type: String, quality: Double)] {
        header.split(separator: ",").compactMap { item in
            let parts = item.split(separator: ";").map { $0.trimmingSpaces() }
            guard let type = parts.first, !type.isEmpty else { return nil }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            return (type.lowercased(), quality)
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
