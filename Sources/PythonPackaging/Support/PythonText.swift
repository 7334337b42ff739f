/// Character classes as Python's `str` methods and `re` module define them, so that parsing
/// agrees with `packaging` on every input, not only on ASCII.
enum PythonText {
    /// `str.isspace()`: the characters `\s` matches in a `str` pattern.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
            0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    static func isWhitespace(byte: UInt8) -> Bool {
        (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte)
    }

    /// `\w` in a `str` pattern: alphanumerics in the Unicode sense, and the underscore.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
        }
        return isAlphanumeric(scalar)
    }

    /// `str.isalnum()` for one character.
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return scalar.properties.numericType != nil
        }
    }

    /// `str.strip()` with no argument.
    static func strip(_ text: Substring) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return text[text.endIndex...] }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        return Substring(scalars[first...last])
    }

    static func strip(_ text: String) -> Substring { strip(text[...]) }

    /// `str.isprintable()`.
    static func isPrintable(_ text: Substring) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            if scalar == " " { return true }
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator,
                .paragraphSeparator, .spaceSeparator:
                return false
            default:
                return true
            }
        }
    }

    /// `str.isidentifier()`: a letter or underscore, then letters, digits and underscores
    /// (Unicode XID rules as Python applies them).
    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        guard first == "_" || first.properties.isXIDStart else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy { $0.properties.isXIDContinue }
    }

    static func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        isASCIIDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

extension PythonText {
    /// `str.split(separator, maxsplit)` for a one-character separator: splits on code points,
    /// so a combining mark after the separator does not hide it.
    static func split(_ text: Substring, on separator: Unicode.Scalar, maxSplits: Int = Int.max) -> [Substring] {
        text.unicodeScalars.split(separator: separator, maxSplits: maxSplits, omittingEmptySubsequences: false)
            .map(Substring.init)
    }

    static func split(_ text: String, on separator: Unicode.Scalar, maxSplits: Int = Int.max) -> [Substring] {
        split(text[...], on: separator, maxSplits: maxSplits)
    }

    /// `text.count(separator)` by code point.
    static func count(of scalar: Unicode.Scalar, in text: Substring) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1 == scalar ? 1 : 0) }
    }
}

extension PythonText {
    /// Whether every byte is ASCII, eight bytes at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index + 8 <= bytes.count {
            if UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < bytes.count {
            if base[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }
}
