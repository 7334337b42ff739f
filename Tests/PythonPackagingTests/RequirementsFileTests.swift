import PythonPackaging
import Testing

@Suite("Requirements files")
struct RequirementsFileTests {
    @Test("comments, blank lines, continuations and line numbers")
    func reading() {
        let file = RequirementsFile(parsing: """
            # mirror these
            requests>=2.31  # the HTTP library
            django~=4.2,\\
              !=4.2.1

            urllib3[socks] ; python_version >= "3.8"
            pkg @ https://example.com/pkg-1.0.whl#sha256=abc
            """)
        #expect(file.problems.isEmpty)
        #expect(file.entries.map(\.requirement.description) == [
            "requests>=2.31", "django!=4.2.1,~=4.2", "urllib3[socks]; python_version >= \"3.8\"",
            "pkg @ https://example.com/pkg-1.0.whl#sha256=abc",
        ])
        #expect(file.entries.map(\.line) == [2, 3, 6, 7])
        #expect(file.entries[1].requirement.specifier.description == "!=4.2.1,~=4.2")
    }

    @Test("Windows line endings: every line read, comments end at the line")
    func crlf() {
        let file = RequirementsFile(parsing: "# mirror list\r\nrequests  # http\r\nflask\r\ndjango~=4.2,\\\r\n  !=4.2.1\r\n")
        #expect(file.problems.isEmpty)
        #expect(file.entries.map(\.requirement.description) == ["requests", "flask", "django!=4.2.1,~=4.2"])
        #expect(file.entries.map(\.line) == [2, 3, 4])
    }

    @Test("includes and options are reported with their line, the rest still read")
    func unsupported() {
        let file = RequirementsFile(parsing: "-r base.txt\nrequests\n--index-url https://example.com/simple\n-c constraints.txt\nflask ==\n")
        #expect(file.entries.map(\.requirement.name) == ["requests"])
        #expect(file.problems.map(\.line) == [1, 3, 4, 5])
        #expect(file.problems[0].message.contains("includes another file"))
        #expect(file.problems[1].message.contains("--index-url"))
        #expect(file.problems[3].description.hasPrefix("line 5:"))
    }
}
