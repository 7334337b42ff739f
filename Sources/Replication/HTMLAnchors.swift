/// The `<a>` elements of a PEP 503 page, with their attributes (entities decoded) and text.
/// PEP 503 pages are simple; this reads what real indexes (PyPI, devpi, pypiserver, nginx
/// autoindex, Pulp) write, not HTML at large.
struct HTMLAnchor: Hashable {
    var attributes: [String: String]
    var text: String
}

enum HTMLAnchors {
    static func read(_ html: String) -> [HTMLAnchor] {
        var anchors: [HTMLAnchor] = []
        var rest = Substring(html)
        while let (attributes, content) = nextStartTag("a", in: rest) {
            let close = content.range(of: "</a", options: .caseInsensitive)
            let text = close.map { content[..<$0.lowerBound] } ?? content
            anchors.append(HTMLAnchor(attributes: attributes, text: decodeEntities(stripTags(text))))
            rest = close.map { content[$0.upperBound...] } ?? content[content.endIndex...]
        }
        return anchors
    }

    /// The `content` of each `<meta name=…>` tag, by name (lowercased); the first one wins.
    static func meta(_ html: String) -> [String: String] {
        var found: [String: String] = [:]
        var rest = Substring(html)
        while let (attributes, after) = nextStartTag("meta", in: rest) {
            if let name = attributes["name"]?.lowercased(), let content = attributes["content"], found[name] == nil {
                found[name] = content
            }
            rest = after
        }
        return found
    }

    /// The attributes of the next `<name …>` start tag in `text`, and the text after it.
    private static func nextStartTag(_ name: String, in text: Substring) -> (attributes: [String: String], after: Substring)? {
        var rest = text
        while let open = rest.range(of: "<" + name, options: .caseInsensitive) {
            let afterName = rest[open.upperBound...]
            guard let next = afterName.first, next == " " || next == "\t" || next == "\n" || next == "\r" || next == ">" || next == "/" else {
                rest = afterName
                continue
            }
            guard let tagEnd = endOfTag(afterName) else { return nil }
            return (readAttributes(afterName[..<tagEnd]), afterName[afterName.index(after: tagEnd)...])
        }
        return nil
    }

    /// The `>` that ends a tag, skipping quoted attribute values.
    private static func endOfTag(_ text: Substring) -> Substring.Index? {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ">" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func readAttributes(_ text: Substring) -> [String: String] {
        var attributes: [String: String] = [:]
        var index = text.startIndex
        func skipSpace() { while index < text.endIndex, text[index].isWhitespace || text[index] == "/" { index = text.index(after: index) } }
        while true {
            skipSpace()
            guard index < text.endIndex else { break }
            let nameStart = index
            while index < text.endIndex, !text[index].isWhitespace, text[index] != "=", text[index] != "/" { index = text.index(after: index) }
            let name = text[nameStart..<index].lowercased()
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            guard index < text.endIndex, text[index] == "=" else {
                if !name.isEmpty { attributes[name] = "" }
                continue
            }
            index = text.index(after: index)
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            var value: Substring
            if index < text.endIndex, text[index] == "\"" || text[index] == "'" {
                let quote = text[index]
                let valueStart = text.index(after: index)
                let valueEnd = text[valueStart...].firstIndex(of: quote) ?? text.endIndex
                value = text[valueStart..<valueEnd]
                index = valueEnd < text.endIndex ? text.index(after: valueEnd) : valueEnd
            } else {
                let valueStart = index
                while index < text.endIndex, !text[index].isWhitespace { index = text.index(after: index) }
                value = text[valueStart..<index]
            }
            if !name.isEmpty { attributes[name] = decodeEntities(value) }
        }
        return attributes
    }

    private static func stripTags(_ text: Substring) -> Substring {
        guard text.contains("<") else { return text }
        var out = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { out.append(character) }
        }
        return Substring(out)
    }

    /// Decodes the character references PEP 503 pages use: the named five and numeric ones.
    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semicolon = after.prefix(12).firstIndex(of: ";") else {
                out.append("&")
                rest = after
                continue
            }
            let entity = after[..<semicolon]
            let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            if let replacement = named[entity] {
                out += replacement
            } else if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let code = UInt32(entity.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
            } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "&" + entity + ";"
            }
            rest = after[after.index(after: semicolon)...]
        }
        return out + rest
    }
}
