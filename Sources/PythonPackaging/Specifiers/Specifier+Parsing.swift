extension Specifier {
    /// Parses one clause as `packaging.specifiers.Specifier` does.
    public init(parsing text: String, prereleases: Bool? = nil) throws(PackagingError) {
        guard let parsed = Self.parse(text) else {
            throw PackagingError(.invalidSpecifier, "Invalid specifier: '\(text)'", input: text)
        }
        self = parsed
        self.prereleases = prereleases
    }

    private init(op: Operator, versionText: String, version: Version?, isWildcard: Bool) {
        self.op = op
        self.versionText = versionText
        self.version = version
        self.isWildcard = isWildcard
        self.prereleases = nil
    }

    private static func parse(_ text: String) -> Specifier? {
        let stripped = PythonText.strip(text)
        // Longest operators first, compared on bytes so that a combining mark after `=`
        // cannot hide the operator.
        let ordered: [Operator] = [.arbitrary, .compatible, .equal, .notEqual, .lessThanOrEqual, .greaterThanOrEqual, .lessThan, .greaterThan]
        guard let op = ordered.first(where: { stripped.utf8.starts(with: $0.rawValue.utf8) }) else { return nil }
        let operandStart = stripped.utf8.index(stripped.startIndex, offsetBy: op.rawValue.utf8.count)
        return parse(op: op, operand: stripped[operandStart...])
    }

    private static func parse(op: Operator, operand rawOperand: Substring) -> Specifier? {
        let operand = PythonText.strip(rawOperand)
        guard !operand.isEmpty else { return nil }
        if op == .arbitrary {
            // `[^\s;)]++`: anything but whitespace, a semicolon or a closing parenthesis.
            guard !operand.unicodeScalars.contains(where: { PythonText.isWhitespace($0) || $0 == ";" || $0 == ")" })
            else { return nil }
            return Specifier(op: op, versionText: String(operand), version: Version(String(operand)), isWildcard: false)
        }
        guard operand.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var operandText = String(operand)
        let matched = operandText.withUTF8 { buffer in
            var grammar = VersionGrammar(bytes: buffer)
            let parsed = grammar.parseSpecifierVersion(
                allowWildcard: op == .equal || op == .notEqual,
                allowLocal: op == .equal || op == .notEqual,
                minimumReleaseCount: op == .compatible ? 2 : 1)
            return grammar.isAtEnd ? parsed : nil
        }
        guard let matched else { return nil }
        return Specifier(op: op, versionText: operandText, version: matched.version, isWildcard: matched.isWildcard)
    }
}
