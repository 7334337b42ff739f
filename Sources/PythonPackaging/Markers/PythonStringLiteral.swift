/// The value of a quoted string in a marker, as `ast.literal_eval` gives it: escapes such as
/// `\n`, `\x41` and `\u00e9` are decoded; unknown escapes stay as written.
enum PythonStringLiteral {
    /// Evaluates `'...'` or `"..."`; `nil` where Python would raise a syntax error.
    static func evaluate(_ literal: String) -> String? {
        let body = Array(literal.unicodeScalars.dropFirst().dropLast())
        if !body.contains("\\"), PythonText.isPrintable(Substring(String(String.UnicodeScalarView(body)))) {
            return String(String.UnicodeScalarView(body))
        }
        var output = String.UnicodeScalarView()
        var index = 0
        while index < body.count {
            let scalar = body[index]
            if scalar == "\0" || scalar == "\n" || scalar == "\r" { return nil }
            guard scalar == "\\" else {
                output.append(scalar)
                index += 1
                continue
            }
            guard index + 1 < body.count else { return nil }
            let escape = body[index + 1]
            index += 2
            switch escape {
            case "\n": break
            case "\\", "'", "\"": output.append(escape)
            case "a": output.append("\u{07}")
            case "b": output.append("\u{08}")
            case "f": output.append("\u{0C}")
            case "n": output.append("\n")
            case "r": output.append("\r")
            case "t": output.append("\t")
            case "v": output.append("\u{0B}")
            case "0"..."7":
                var value = escape.value - 0x30
                var digits = 1
                while digits < 3, index < body.count, ("0"..."7").contains(body[index]) {
                    value = value * 8 + body[index].value - 0x30
                    index += 1
                    digits += 1
                }
                guard let decoded = Unicode.Scalar(value) else { return nil }
                output.append(decoded)
            case "x", "u", "U":
                let width = escape == "x" ? 2 : escape == "u" ? 4 : 8
                guard index + width <= body.count,
                    let value = UInt32(String(String.UnicodeScalarView(body[index..<index + width])), radix: 16),
                    body[index..<index + width].allSatisfy(\.properties.isASCIIHexDigit),
                    let decoded = Unicode.Scalar(value)
                else { return nil }
                output.append(decoded)
                index += width
            case "N":
                guard index < body.count, body[index] == "{", let close = body[index...].firstIndex(of: "}") else { return nil }
                let name = String(String.UnicodeScalarView(body[(index + 1)..<close]))
                guard let decoded = UnicodeNames.scalar(named: name) else { return nil }
                output.append(decoded)
                index = close + 1
            default:
                output.append("\\")
                output.append(escape)
            }
        }
        return String(output)
    }
}

/// Reverse lookup of Unicode character names for `\N{...}`, built on first use (it walks the
/// whole code space once), matching names and aliases without regard to case as Python does.
enum UnicodeNames {
    private static let table: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if let name = scalar.properties.name { table[name] = scalar }
            if let alias = scalar.properties.nameAlias { table[alias] = scalar }
        }
        return table
    }()

    static func scalar(named name: String) -> Unicode.Scalar? { table[name.uppercased()] }
}
