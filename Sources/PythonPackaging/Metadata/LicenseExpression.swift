/// The syntax of an SPDX license expression (PEP 639's `License-Expression`): license
/// identifiers (optionally with `+`) or `LicenseRef-…`, joined with `AND`, `OR` and `WITH`,
/// grouped with parentheses.
///
/// Only the syntax is checked here; whether each identifier is on the SPDX list is not.
/// Parentheses nest at most `maximumNesting` deep (untrusted metadata must not exhaust the stack).
enum LicenseExpression {
    static let maximumNesting = 100

    static func isWellFormed(_ text: String) -> Bool {
        var tokens: [Substring] = []
        var current: Substring = ""
        for character in text {
            if character == "(" || character == ")" || character == " " {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if character != " " { tokens.append(Substring(String(character))) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        var index = 0
        return parseOr(tokens, &index, depth: 0) && index == tokens.count
    }

    private static func parseOr(_ tokens: [Substring], _ index: inout Int, depth: Int) -> Bool {
        guard parseAnd(tokens, &index, depth: depth) else { return false }
        while index < tokens.count, tokens[index].uppercased() == "OR" {
            index += 1
            guard parseAnd(tokens, &index, depth: depth) else { return false }
        }
        return true
    }

    private static func parseAnd(_ tokens: [Substring], _ index: inout Int, depth: Int) -> Bool {
        guard parseWith(tokens, &index, depth: depth) else { return false }
        while index < tokens.count, tokens[index].uppercased() == "AND" {
            index += 1
            guard parseWith(tokens, &index, depth: depth) else { return false }
        }
        return true
    }

    private static func parseWith(_ tokens: [Substring], _ index: inout Int, depth: Int) -> Bool {
        guard index < tokens.count else { return false }
        if tokens[index] == "(" {
            guard depth < maximumNesting else { return false }
            index += 1
            guard parseOr(tokens, &index, depth: depth + 1), index < tokens.count, tokens[index] == ")" else { return false }
            index += 1
            return true
        }
        guard isIdentifier(tokens[index]) else { return false }
        index += 1
        if index < tokens.count, tokens[index].uppercased() == "WITH" {
            index += 1
            guard index < tokens.count, isIdentifier(tokens[index]) else { return false }
            index += 1
        }
        return true
    }

    private static func isIdentifier(_ token: Substring) -> Bool {
        guard !["AND", "OR", "WITH", "(", ")"].contains(token.uppercased()) else { return false }
        var body = token
        if body.hasSuffix("+") { body = body.dropLast() }
        guard !body.isEmpty else { return false }
        return body.unicodeScalars.allSatisfy { $0.isASCII && (PythonText.isASCIIAlphanumeric(UInt8($0.value)) || $0 == "." || $0 == "-") }
    }
}
