/// The `<a>` elements of a PEP 503 page, with their attributes (entities decoded) and text.
/// PEP 503 pages are simple; this reads what real indexes (PyPI, devpi, pypiserver, nginx
/// autoindex, Pulp) write, not HTML at large.
struct HTMLAnchor: Hashable {
    var attributes: [String: String]
    var text: String
}

/// Reads PEP 503 pages as bytes, in one pass: every byte is looked at a bounded number of
/// times, so a listing of a million projects (tens of megabytes) reads in linear time.
enum HTMLAnchors {
    static func read(_ html: [UInt8]) -> [HTMLAnchor] {
        html.withUnsafeBufferPointer { bytes in
            var anchors: [HTMLAnchor] = []
            HTMLScanner(bytes: bytes).forEachAnchor { scanner, tag, content in
                anchors.append(HTMLAnchor(attributes: scanner.attributes(tag), text: scanner.text(content)))
            }
            return anchors
        }
    }

    /// Only the text of each anchor (an index root's project names), trimmed of white space:
    /// no attribute is read.
    static func texts(_ html: [UInt8]) -> [String] {
        html.withUnsafeBufferPointer { bytes in
            var texts: [String] = []
            HTMLScanner(bytes: bytes).forEachAnchor { scanner, _, content in
                let text = scanner.text(content)
                texts.append(text.isEmpty ? text : String(text.trimmingWhitespace()))
            }
            return texts
        }
    }

    /// The `content` of each `<meta name=…>` tag, by name (lowercased); the first one wins.
    static func meta(_ html: [UInt8]) -> [String: String] {
        html.withUnsafeBufferPointer { bytes in
            let scanner = HTMLScanner(bytes: bytes)
            var found: [String: String] = [:]
            var position = 0
            while let tag = scanner.nextStartTag(HTMLScanner.meta, from: position) {
                let attributes = scanner.attributes(tag)
                if let name = attributes["name"]?.lowercased(), let content = attributes["content"], found[name] == nil {
                    found[name] = content
                }
                position = tag.upperBound + 1
            }
            return found
        }
    }
}

/// Positions in a page's bytes; ranges are half-open.
struct HTMLScanner {
    let bytes: UnsafeBufferPointer<UInt8>

    static let anchor = Array("a".utf8)
    static let meta = Array("meta".utf8)

    /// Calls `body` with each anchor's start tag (the bytes between `<a` and `>`) and content
    /// (up to `</a>`, or to the end of the page when it is never closed).
    func forEachAnchor(_ body: (HTMLScanner, Range<Int>, Range<Int>) -> Void) {
        var position = 0
        while let tag = nextStartTag(Self.anchor, from: position) {
            let contentStart = tag.upperBound + 1
            let close = closingTag(Self.anchor, from: contentStart)
            body(self, tag, contentStart..<(close?.lowerBound ?? bytes.count))
            position = close?.upperBound ?? bytes.count
        }
    }

    /// The attributes of the next `<name …>` start tag at or after `start`: from just after
    /// the name up to (not including) the `>` that ends it.
    func nextStartTag(_ name: [UInt8], from start: Int) -> Range<Int>? {
        var position = start
        while let open = index(of: UInt8(ascii: "<"), from: position) {
            let afterName = open + 1 + name.count
            if afterName < bytes.count, matches(name, at: open + 1), Self.endsName(bytes[afterName]) {
                guard let end = endOfTag(from: afterName) else { return nil }
                return afterName..<end
            }
            position = open + 1
        }
        return nil
    }

    /// The next `</name` followed by `>` or white space, at or after `start`; the range runs
    /// to just past its `>` (or the end of the page).
    func closingTag(_ name: [UInt8], from start: Int) -> Range<Int>? {
        var position = start
        while let open = index(of: UInt8(ascii: "<"), from: position) {
            let afterName = open + 2 + name.count
            if afterName <= bytes.count, bytes[open + 1] == UInt8(ascii: "/"), matches(name, at: open + 2),
                afterName == bytes.count || Self.endsName(bytes[afterName])
            {
                let end = index(of: UInt8(ascii: ">"), from: afterName).map { $0 + 1 } ?? bytes.count
                return open..<end
            }
            position = open + 1
        }
        return nil
    }

    /// Whether `name` (lowercase ASCII) is at `position`, in any case.
    private func matches(_ name: [UInt8], at position: Int) -> Bool {
        guard position + name.count <= bytes.count else { return false }
        for (offset, byte) in name.enumerated() where Self.lowered(bytes[position + offset]) != byte { return false }
        return true
    }

    private func index(of byte: UInt8, from start: Int) -> Int? {
        var position = start
        while position < bytes.count {
            if bytes[position] == byte { return position }
            position += 1
        }
        return nil
    }

    /// The `>` that ends a tag, skipping quoted attribute values.
    private func endOfTag(from start: Int) -> Int? {
        var quote: UInt8?
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return position
            }
            position += 1
        }
        return nil
    }

    /// A tag's attributes, names lowercased, values with entities decoded; the last of a
    /// repeated name wins.
    func attributes(_ tag: Range<Int>) -> [String: String] {
        var attributes: [String: String] = [:]
        var position = tag.lowerBound
        func skip(while condition: (UInt8) -> Bool) { while position < tag.upperBound, condition(bytes[position]) { position += 1 } }
        while true {
            skip { Self.isSpace($0) || $0 == UInt8(ascii: "/") }
            guard position < tag.upperBound else { break }
            let nameStart = position
            skip { !Self.isSpace($0) && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "/") }
            let name = String(decoding: bytes[nameStart..<position].lazy.map(Self.lowered), as: UTF8.self)
            skip(while: Self.isSpace)
            guard position < tag.upperBound, bytes[position] == UInt8(ascii: "=") else {
                if !name.isEmpty { attributes[name] = "" }
                continue
            }
            position += 1
            skip(while: Self.isSpace)
            let value: Range<Int>
            if position < tag.upperBound, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") {
                let quote = bytes[position]
                let valueStart = position + 1
                position = valueStart
                skip { $0 != quote }
                value = valueStart..<position
                if position < tag.upperBound { position += 1 }
            } else {
                let valueStart = position
                skip { !Self.isSpace($0) }
                value = valueStart..<position
            }
            if !name.isEmpty { attributes[name] = decoded(value) }
        }
        return attributes
    }

    /// An element's text: tags inside it dropped, entities decoded.
    func text(_ content: Range<Int>) -> String {
        var hasTag = false
        for position in content where bytes[position] == UInt8(ascii: "<") {
            hasTag = true
            break
        }
        guard hasTag else { return decoded(content) }
        var kept: [UInt8] = []
        var inTag = false
        for byte in bytes[content] {
            if byte == UInt8(ascii: "<") {
                inTag = true
            } else if byte == UInt8(ascii: ">") {
                inTag = false
            } else if !inTag {
                kept.append(byte)
            }
        }
        return kept.withUnsafeBufferPointer { HTMLScanner(bytes: $0).decoded(0..<$0.count) }
    }

    /// The bytes as text, with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric
    /// references decoded; anything else is kept as written.
    func decoded(_ range: Range<Int>) -> String {
        guard let firstAmpersand = bytes[range].firstIndex(of: UInt8(ascii: "&")) else {
            return String(decoding: bytes[range], as: UTF8.self)
        }
        var out = Array(bytes[range.lowerBound..<firstAmpersand])
        var position = firstAmpersand
        while position < range.upperBound {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                position += 1
                continue
            }
            // A reference is at most 12 bytes up to its `;`.
            let limit = min(range.upperBound, position + 13)
            guard let semicolon = bytes[(position + 1)..<limit].firstIndex(of: UInt8(ascii: ";")),
                let replacement = Self.reference(bytes[(position + 1)..<semicolon])
            else {
                out.append(byte)
                position += 1
                continue
            }
            out.append(contentsOf: String(replacement).utf8)
            position = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The character a reference's name (between `&` and `;`) stands for.
    private static func reference(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Unicode.Scalar? {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case let text where text.hasPrefix("#x") || text.hasPrefix("#X"): return UInt32(text.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        case let text where text.hasPrefix("#"): return UInt32(text.dropFirst()).flatMap(Unicode.Scalar.init)
        default: return nil
        }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    /// Whether a byte ends a tag name: white space, `>` or `/`.
    private static func endsName(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
    }
}

extension String {
    /// Without leading and trailing white space (ASCII and the Unicode kinds), without Foundation.
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
