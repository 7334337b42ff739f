/// The grammar of PEP 508 dependency specifiers, step for step as `packaging._parser`.
enum RequirementParser {
    enum SpecifierPart {
        /// A whole clause list parsed in one piece.
        case parsed(SpecifierSet)
        /// Clauses matched one at a time, joined with commas, to be parsed as a set.
        case text(String)
    }

    struct Parsed {
        var name: String
        var extras: [String]
        var url: String?
        var specifier: SpecifierPart
        var marker: Marker?
    }

    static func parse(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> Parsed {
        tokenizer.skipSpaces()
        guard let nameEnd = tokenizer.identifierEnd() else {
            throw tokenizer.syntaxError("Expected package name at the start of dependency specifier")
        }
        let name = tokenizer.text(tokenizer.position..<nameEnd)
        tokenizer.advance(to: nameEnd)
        tokenizer.skipSpaces()
        let extras = try parseExtras(&tokenizer)
        var parsed = Parsed(name: name, extras: extras, url: nil, specifier: .text(""), marker: nil)
        if tokenizer.take("@") {
            tokenizer.skipSpaces()
            let urlStart = tokenizer.position
            guard let urlEnd = tokenizer.nonSpaceRunEnd() else { throw tokenizer.syntaxError("Expected URL after @") }
            parsed.url = tokenizer.text(urlStart..<urlEnd)
            tokenizer.advance(to: urlEnd)
            if tokenizer.atEnd { return parsed }
            guard tokenizer.nextIsSpace else { throw tokenizer.syntaxError("Expected whitespace after URL") }
            tokenizer.skipSpaces()
            if tokenizer.atEnd { return parsed }
            parsed.marker = try parseMarkerPart(&tokenizer, from: urlStart, expected: "semicolon (after URL and whitespace)")
        } else {
            let specifierStart = tokenizer.position
            parsed.specifier = try parseSpecifier(&tokenizer)
            if tokenizer.atEnd { return parsed }
            let hasSpecifier: Bool
            switch parsed.specifier {
            case .parsed(let set): hasSpecifier = !set.isEmpty
            case .text(let text): hasSpecifier = !text.isEmpty
            }
            parsed.marker = try parseMarkerPart(
                &tokenizer, from: specifierStart,
                expected: hasSpecifier
                    ? "comma (within version specifier), semicolon (after version specifier)"
                    : "semicolon (after name with no version specifier)")
        }
        guard tokenizer.atEnd else { throw tokenizer.syntaxError("Expected end of dependency specifier") }
        return parsed
    }

    private static func parseMarkerPart(_ tokenizer: inout DependencyTokenizer, from start: Int, expected: String)
        throws(PackagingError) -> Marker
    {
        guard tokenizer.take(";") else { throw tokenizer.syntaxError("Expected \(expected) or end", from: start) }
        return Marker(root: try MarkerParser.parseMarker(&tokenizer, depth: 0))
    }

    private static func parseExtras(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> [String] {
        let open = tokenizer.position
        guard tokenizer.take("[") else { return [] }
        tokenizer.skipSpaces()
        var extras: [String] = []
        if let end = tokenizer.identifierEnd() {
            extras.append(tokenizer.text(tokenizer.position..<end))
            tokenizer.advance(to: end)
            while true {
                tokenizer.skipSpaces()
                if tokenizer.identifierEnd() != nil { throw tokenizer.syntaxError("Expected comma between extra names") }
                guard tokenizer.take(",") else { break }
                tokenizer.skipSpaces()
                guard let next = tokenizer.identifierEnd() else { throw tokenizer.syntaxError("Expected extra name after comma") }
                extras.append(tokenizer.text(tokenizer.position..<next))
                tokenizer.advance(to: next)
            }
        }
        tokenizer.skipSpaces()
        guard tokenizer.take("]") else {
            throw tokenizer.syntaxError("Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras", from: open)
        }
        tokenizer.skipSpaces()
        return extras
    }

    private static func parseSpecifier(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> SpecifierPart {
        let open = tokenizer.position
        guard tokenizer.take("(") else { return try parseVersionMany(&tokenizer) }
        tokenizer.skipSpaces()
        let part = try parseVersionMany(&tokenizer)
        guard tokenizer.take(")") else {
            throw tokenizer.syntaxError(
                "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier", from: open)
        }
        tokenizer.skipSpaces()
        return part
    }

    private static func parseVersionMany(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> SpecifierPart {
        if tokenizer.atEnd { return .text("") }
        if let set = wholeSpecifierList(&tokenizer) { return .parsed(set) }
        var text = ""
        while let end = tokenizer.specifierEnd() {
            let start = tokenizer.position
            text += tokenizer.text(start..<end)
            tokenizer.advance(to: end)
            if tokenizer.matches(".*", at: end) {
                let clause = tokenizer.text(start..<end)
                let message = clause.hasPrefix("!=") || (clause.hasPrefix("==") && !clause.hasPrefix("==="))
                    ? ".* suffix cannot be used with pre-release, post-release, dev or local versions"
                    : ".* suffix can only be used with `==` or `!=` operators"
                throw tokenizer.syntaxError(message, from: start, to: end + 1)
            }
            if tokenizer.matches("+", at: end), tokenizer.scalar(at: end + 1).map(isLowercaseAlphanumeric) == true {
                throw tokenizer.syntaxError(
                    "Local version label can only be used with `==` or `!=` operators", from: start, to: end)
            }
            tokenizer.skipSpaces()
            guard tokenizer.take(",") else { break }
            text += ","
            tokenizer.skipSpaces()
        }
        return .text(text)
    }

    /// The fast path: the rest up to `;`, `)` or the end is a valid specifier set with one
    /// clause per comma (a trailing comma allowed).
    private static func wholeSpecifierList(_ tokenizer: inout DependencyTokenizer) -> SpecifierSet? {
        guard let end = tokenizer.specifierListEnd(), end > tokenizer.position else { return nil }
        let text = tokenizer.text(tokenizer.position..<end)
        guard let set = try? SpecifierSet(parsing: text) else { return nil }
        let commas = text.unicodeScalars.filter { $0 == "," }.count
        let trailingComma = text.unicodeScalars.reversed().first { $0 != " " && $0 != "\t" } == ","
        guard set.specifiers.count == commas + 1 || (!set.isEmpty && set.specifiers.count == commas && trailingComma)
        else { return nil }
        tokenizer.advance(to: end)
        return set
    }

    private static func isLowercaseAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
