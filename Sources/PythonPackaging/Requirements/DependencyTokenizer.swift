/// The tokens of PEP 508 dependency specifiers and markers, matched the way `packaging`'s
/// tokenizer matches its regular expressions (word boundaries and all), over Unicode scalars
/// so that offsets agree with Python string indices.
struct DependencyTokenizer {
    let source: String
    let scalars: [Unicode.Scalar]
    private(set) var position = 0

    init(_ source: String) {
        self.source = source
        self.scalars = Array(source.unicodeScalars)
    }

    var atEnd: Bool { position >= scalars.count }

    func scalar(at index: Int) -> Unicode.Scalar? { index >= 0 && index < scalars.count ? scalars[index] : nil }

    func syntaxError(_ message: String, from start: Int? = nil, to end: Int? = nil) -> PackagingError {
        PackagingError(.invalidRequirement, message, input: source, span: (start ?? position)..<(end ?? position))
    }

    /// Whether `\b` holds at `index`.
    func isWordBoundary(at index: Int) -> Bool {
        let before = scalar(at: index - 1).map(PythonText.isWordCharacter) ?? false
        let after = scalar(at: index).map(PythonText.isWordCharacter) ?? false
        return before != after
    }

    /// Whether the scalars at `index` spell `literal` exactly.
    func matches(_ literal: String, at index: Int) -> Bool {
        var cursor = index
        for expected in literal.unicodeScalars {
            guard scalar(at: cursor) == expected else { return false }
            cursor += 1
        }
        return true
    }

    mutating func advance(to index: Int) { position = index }

    /// `[ \t]+`, consumed if present.
    mutating func skipSpaces() {
        while let next = scalar(at: position), next == " " || next == "\t" { position += 1 }
    }

    var nextIsSpace: Bool { scalar(at: position) == " " || scalar(at: position) == "\t" }

    /// Consumes `literal` if it is next.
    mutating func take(_ literal: String) -> Bool {
        guard matches(literal, at: position) else { return false }
        position += literal.unicodeScalars.count
        return true
    }

    /// The end of a keyword (`\bword\b`) at the current position, if it is there.
    func keywordEnd(_ word: String) -> Int? {
        guard isWordBoundary(at: position), matches(word, at: position) else { return nil }
        let end = position + word.unicodeScalars.count
        return isWordBoundary(at: end) ? end : nil
    }

    /// `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: a name, ending where a word boundary allows.
    func identifierEnd() -> Int? {
        guard let first = scalar(at: position), Self.isASCIIAlphanumeric(first), isWordBoundary(at: position) else {
            return nil
        }
        var end = position + 1
        while let next = scalar(at: end), Self.isASCIIAlphanumeric(next) || next == "." || next == "_" || next == "-" {
            end += 1
        }
        while end > position {
            if isWordBoundary(at: end) { return end }
            end -= 1
        }
        return nil
    }

    /// `'[^']*'` or `"[^"]*"`.
    func quotedStringEnd() -> Int? {
        guard let quote = scalar(at: position), quote == "'" || quote == "\"" else { return nil }
        var end = position + 1
        while let next = scalar(at: end) {
            if next == quote { return end + 1 }
            end += 1
        }
        return nil
    }

    /// `\S+`.
    func nonSpaceRunEnd() -> Int? {
        var end = position
        while let next = scalar(at: end), !PythonText.isWhitespace(next) { end += 1 }
        return end > position ? end : nil
    }

    /// `[\t\x20-\x28\x2a-\x3a\x3c-\x7e]*(?=[;)]|\Z)`: a whole specifier list up to a
    /// semicolon, a closing parenthesis or the end.
    func specifierListEnd() -> Int? {
        var end = position
        while let next = scalar(at: end), next == "\t" || (0x20...0x7E).contains(next.value), next != ")", next != ";" {
            end += 1
        }
        let follower = scalar(at: end)
        if follower == nil || follower == ";" || follower == ")" { return end }
        return nil
    }

    /// One specifier clause as `packaging`'s SPECIFIER token matches it (a prefix match).
    func specifierEnd() -> Int? {
        let ops = ["===", "==", "!=", "~=", "<=", ">=", "<", ">"]
        for op in ops where matches(op, at: position) {
            var cursor = position + op.unicodeScalars.count
            while let next = scalar(at: cursor), PythonText.isWhitespace(next) { cursor += 1 }
            if op == "===" {
                var end = cursor
                while let next = scalar(at: end), !PythonText.isWhitespace(next), next != ";", next != ")" { end += 1 }
                if end > cursor { return end }
                continue
            }
            // A version never holds `,`, `;` or `)`: the operand ends there at the latest, which
            // keeps a long list of clauses linear to read.
            var asciiEnd = cursor
            while let next = scalar(at: asciiEnd), next.isASCII, next != ",", next != ";", next != ")" { asciiEnd += 1 }
            let operand = String(String.UnicodeScalarView(scalars[cursor..<asciiEnd]))
            var bytes = Array(operand.utf8)
            let length = bytes.withUnsafeMutableBufferPointer { buffer -> Int? in
                var grammar = VersionGrammar(bytes: UnsafeBufferPointer(buffer))
                let isEquality = op == "==" || op == "!="
                guard grammar.parseSpecifierVersion(
                    allowWildcard: isEquality, allowLocal: isEquality, minimumReleaseCount: op == "~=" ? 2 : 1) != nil
                else { return nil }
                return grammar.offset
            }
            if let length { return cursor + length }
        }
        return nil
    }

    func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && PythonText.isASCIIAlphanumeric(UInt8(scalar.value))
    }
}
