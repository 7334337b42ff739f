/// The subset of pip's requirements-file format that a mirror's include list needs: one
/// PEP 508 requirement per line, `#` comments, blank lines and backslash line continuations.
/// Options (`-r`, `-c`, `-e`, `--index-url`, …) are reported as unsupported with their line
/// number rather than silently ignored.
public struct RequirementsFile: Sendable {
    /// A requirement with the (first) line it came from.
    public struct Entry: Sendable, Hashable {
        public let requirement: Requirement
        public let line: Int
    }

    /// A line that could not be used, with the reason.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public let entries: [Entry]
    public let problems: [Problem]

    /// Reads the text of a requirements file; every line is read even after a problem.
    public init(parsing text: String) {
        var entries: [Entry] = []
        var problems: [Problem] = []
        for logical in Self.logicalLines(text) {
            let content = Self.strippingComment(logical.text)
            let trimmed = PythonText.strip(content)
            guard !trimmed.isEmpty else { continue }
            if trimmed.hasPrefix("-") {
                let option = trimmed.split(whereSeparator: { $0 == " " || $0 == "=" || $0 == "\t" }).first.map(String.init) ?? ""
                let message = ["-r", "--requirement", "-c", "--constraint"].contains(option)
                    ? "'\(option)' includes another file, which is not supported: list its requirements here instead"
                    : "the option '\(option)' is not supported in an include list: give only requirements"
                problems.append(Problem(line: logical.line, message: message))
                continue
            }
            do throws(PackagingError) {
                entries.append(Entry(requirement: try Requirement(parsing: String(trimmed)), line: logical.line))
            } catch {
                problems.append(Problem(line: logical.line, message: error.message))
            }
        }
        self.entries = entries
        self.problems = problems
    }

    /// Physical lines joined where one ends in a backslash, numbered by their first line.
    private static func logicalLines(_ text: String) -> [(line: Int, text: Substring)] {
        var result: [(Int, Substring)] = []
        var pending = ""
        var pendingLine = 0
        var lineNumber = 0
        // Split on the scalar: "\r\n" is one Character, so splitting Characters misses CRLF lines.
        for physical in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(physical)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if pending.isEmpty { pendingLine = lineNumber }
            if line.hasSuffix("\\") {
                pending += line.dropLast()
                continue
            }
            pending += line
            result.append((pendingLine, Substring(pending)))
            pending = ""
        }
        if !pending.isEmpty { result.append((pendingLine, Substring(pending))) }
        return result
    }

    /// pip drops `#` to the end of the line when it starts the line or follows whitespace.
    private static func strippingComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        for index in line.indices {
            if line[index] == "#", previous == " " || previous == "\t" { return line[..<index] }
            previous = line[index]
        }
        return line
    }
}
