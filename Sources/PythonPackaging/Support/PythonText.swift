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
    /// The bytes as a string if they are valid UTF-8 (as `bytes.decode("utf-8")` accepts:
    /// no overlong forms, surrogates or code points past U+10FFFF), else nil.
    ///
    /// The standard library's validation goes a byte at a time once it has met one non-ASCII
    /// byte; long descriptions are mostly ASCII with a few other characters, so this one skips
    /// ASCII runs 32 and 8 bytes at a time, then copies without validating again.
    static func utf8String(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard isValidUTF8(bytes) else { return nil }
        return String(copying: UTF8Span(unchecked: Span(_unsafeElements: bytes)))
    }

    /// Whether `bytes` are well-formed UTF-8.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index < count {
            while index + 32 <= count {
                let words = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
                if words & 0x8080_8080_8080_8080 != 0 { break }
                index += 32
            }
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The length of the sequence and the range its second byte must fall in.
            let width: Int
            var lowest: UInt8 = 0x80
            var highest: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: width = 2
            case 0xE0: (width, lowest) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: width = 3
            case 0xED: (width, highest) = (3, 0x9F)
            case 0xF0: (width, lowest) = (4, 0x90)
            case 0xF1...0xF3: width = 4
            case 0xF4: (width, highest) = (4, 0x8F)
            default: return false
            }
            guard index + width <= count, base[index + 1] >= lowest, base[index + 1] <= highest else { return false }
            if width > 2, base[index + 2] & 0xC0 != 0x80 { return false }
            if width > 3, base[index + 3] & 0xC0 != 0x80 { return false }
            index += width
        }
        return true
    }
}
