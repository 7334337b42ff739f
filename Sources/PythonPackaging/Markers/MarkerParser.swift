/// The recursive-descent grammar of markers, shared by `Marker` and `Requirement`.
enum MarkerParser {
    static let maximumNesting = 200

    /// The variable spellings in the order `packaging`'s VARIABLE pattern tries them.
    private static let variableSpellings = [
        "python_version", "python_full_version", "os_name", "os.name", "sys_platform", "sys.platform",
        "platform_release", "platform_system", "platform_version", "platform.version", "platform_machine",
        "platform.machine", "platform_python_implementation", "platform.python_implementation",
        "python_implementation", "implementation_name", "implementation_version", "extras", "extra",
        "dependency_groups",
    ]

    /// `marker_atom (BOOLOP marker_atom)*`
    static func parseMarker(_ tokenizer: inout DependencyTokenizer, depth: Int) throws(PackagingError) -> Marker.Node {
        var atoms = [try parseAtom(&tokenizer, depth: depth)]
        var operators: [Marker.BooleanOperator] = []
        while true {
            if let end = tokenizer.keywordEnd("or") {
                tokenizer.advance(to: end)
                operators.append(.or)
            } else if let end = tokenizer.keywordEnd("and") {
                tokenizer.advance(to: end)
                operators.append(.and)
            } else {
                break
            }
            atoms.append(try parseAtom(&tokenizer, depth: depth))
        }
        return .group(atoms: atoms, operators: operators)
    }

    private static func parseAtom(_ tokenizer: inout DependencyTokenizer, depth: Int) throws(PackagingError) -> Marker.Node {
        tokenizer.skipSpaces()
        let node: Marker.Node
        if tokenizer.scalar(at: tokenizer.position) == "(" {
            guard depth < maximumNesting else {
                throw tokenizer.syntaxError("Marker expression is nested more than \(maximumNesting) levels deep")
            }
            let open = tokenizer.position
            tokenizer.advance(to: open + 1)
            node = try parseMarker(&tokenizer, depth: depth + 1)
            guard tokenizer.take(")") else {
                throw tokenizer.syntaxError(
                    "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression", from: open)
            }
        } else {
            node = try parseItem(&tokenizer)
        }
        tokenizer.skipSpaces()
        return node
    }

    private static func parseItem(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> Marker.Node {
        let lhs = try parseOperand(&tokenizer)
        tokenizer.skipSpaces()
        let op = try parseOperator(&tokenizer)
        tokenizer.skipSpaces()
        let rhs = try parseOperand(&tokenizer)
        return normalizeExtras(lhs, op, rhs)
    }

    private static func parseOperand(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> Marker.Operand {
        let start = tokenizer.position
        if tokenizer.isWordBoundary(at: start) {
            for spelling in variableSpellings where tokenizer.matches(spelling, at: start) {
                let end = start + spelling.unicodeScalars.count
                guard tokenizer.isWordBoundary(at: end) else { continue }
                tokenizer.advance(to: end)
                let name = spelling.replacingDots()
                return .variable(name == "python_implementation" ? "platform_python_implementation" : name)
            }
        }
        if let end = tokenizer.quotedStringEnd() {
            let literal = tokenizer.text(start..<end)
            tokenizer.advance(to: end)
            guard let value = PythonStringLiteral.evaluate(literal) else {
                throw tokenizer.syntaxError("Invalid quoted string", from: start, to: end)
            }
            return .value(value)
        }
        throw tokenizer.syntaxError("Expected a marker variable or quoted string")
    }

    private static func parseOperator(_ tokenizer: inout DependencyTokenizer) throws(PackagingError) -> String {
        if let end = tokenizer.keywordEnd("in") {
            tokenizer.advance(to: end)
            return "in"
        }
        if let end = tokenizer.keywordEnd("not") {
            tokenizer.advance(to: end)
            guard tokenizer.nextIsSpace else { throw tokenizer.syntaxError("Expected whitespace after 'not'") }
            tokenizer.skipSpaces()
            guard let inEnd = tokenizer.keywordEnd("in") else { throw tokenizer.syntaxError("Expected 'in' after 'not'") }
            tokenizer.advance(to: inEnd)
            return "not in"
        }
        for op in ["===", "==", "~=", "!=", "<=", ">=", "<", ">"] where tokenizer.take(op) { return op }
        throw tokenizer.syntaxError(
            "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
    }

    /// Extra names are compared normalized, so the literal beside `extra` (or left of
    /// `in extras` / `in dependency_groups`) is normalized when parsed.
    private static func normalizeExtras(_ lhs: Marker.Operand, _ op: String, _ rhs: Marker.Operand) -> Marker.Node {
        switch (lhs, rhs) {
        case (.variable("extra"), .value(let value)):
            return .comparison(lhs, op, .value(ProjectName.normalize(value)))
        case (.value(let value), .variable("extra")), (.value(let value), .variable("extras")),
            (.value(let value), .variable("dependency_groups")):
            return .comparison(.value(ProjectName.normalize(value)), op, rhs)
        default:
            return .comparison(lhs, op, rhs)
        }
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "." ? "_" : $0 }))
    }
}
