import PythonPackaging
import Testing

@Suite("Core metadata: lenient reading, strict validation")
struct MetadataTests {
    static let valid = """
        Metadata-Version: 2.4
        Name: demo
        Version: 1.0
        Summary: A demo
        Requires-Dist: requests>=2; extra == "http"
        Provides-Extra: http
        Project-URL: Home, https://example.com
        Project-URL: Source,https://example.com/src
        Keywords: a, b ,c
        License-Expression: MIT OR (Apache-2.0 WITH LLVM-exception)
        License-File: LICENSE
        Classifier: Programming Language :: Python
        Classifier: Typing :: Typed

        The long description.
        """

    @Test("every field is read, multi-use fields in order, the body as description")
    func reading() throws {
        let metadata = try CoreMetadata.validated(Array(Self.valid.utf8))
        #expect(metadata.metadataVersion == "2.4")
        #expect(metadata.list(.classifier) == ["Programming Language :: Python", "Typing :: Typed"])
        #expect(metadata.keywordList == ["a", "b", "c"])
        #expect(metadata.projectURLs.map(\.label) == ["Home", "Source"])
        #expect(metadata.projectURLs.map(\.url) == ["https://example.com", "https://example.com/src"])
        #expect(metadata.longDescription == "The long description.")
        #expect(metadata.problems.isEmpty)
    }

    @Test("folded header lines keep their line breaks, as the email parser keeps them")
    func folding() {
        let metadata = CoreMetadata(parsing: Array("Name: demo\nLicense: MIT\n        Second line\nVersion: 1\n".utf8))
        #expect(metadata.string(.license) == "MIT\n        Second line")
        #expect(metadata.version == "1")
    }

    @Test("lenient reading keeps what is there and lists the problems")
    func lenient() {
        let text = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: one\nSummary: two\nX-Custom: kept\nDescription: header\nProject-URL: A, x\nProject-URL: A, y\n\nbody\n"
        let metadata = CoreMetadata(parsing: Array(text.utf8))
        #expect(metadata.summary == "one")
        #expect(metadata.unknownFields.map(\.name) == ["X-Custom"])
        #expect(metadata.longDescription == "body\n")
        let fields = metadata.problems.map(\.field)
        #expect(fields.contains("summary") && fields.contains("x-custom") && fields.contains("description") && fields.contains("project-url"))
    }

    @Test("strict validation lists every problem, in field order")
    func strict() {
        let text = """
            Metadata-Version: 9.9
            Name: -bad-
            Version: not a version
            Summary: two
              lines
            Description-Content-Type: text/html
            Dynamic: Name
            Provides-Extra: bad extra
            Requires-Dist: requests >= >= 2
            Requires-Python: >=3.8,<
            License-Expression: MIT AND
            License-File: ../LICENSE

            """
        do {
            _ = try CoreMetadata.validated(Array(text.utf8))
            Issue.record("invalid metadata was accepted")
        } catch {
            #expect(error.code == .invalidMetadata)
            #expect(error.problems.map(\.field) == [
                "metadata-version", "name", "version", "summary", "description-content-type", "dynamic", "provides-extra",
                "requires-dist", "requires-python", "license-expression", "license-file",
            ])
        }
    }

    @Test("hostile License-Expression and Requires-Dist values are refused quickly, without exhausting the stack")
    func hostileValues() throws {
        func problems(_ header: String) -> [String] {
            let text = "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n" + header + "\n"
            do {
                _ = try CoreMetadata.validated(Array(text.utf8))
                return []
            } catch {
                return error.problems.map(\.field)
            }
        }
        // A million parentheses would overflow any stack if each were a level of recursion.
        #expect(problems("License-Expression: " + String(repeating: "(", count: 1_000_000) + "MIT") == ["license-expression"])
        let nested = String(repeating: "(", count: 100) + "MIT" + String(repeating: ")", count: 100)
        #expect(problems("License-Expression: " + nested) == [], "100 levels are still read")
        // 100,000 clauses and a bad last one: each clause is read once, not the rest of the line again.
        #expect(problems("Requires-Dist: a" + String(repeating: "==0,", count: 100_000) + "==x") == ["requires-dist"])
    }

    @Test("a field newer than the declared version is accepted (PyPI accepted such files)")
    func newerField() throws {
        let text = "Metadata-Version: 2.3\nName: demo\nVersion: 1.0\nLicense-Expression: MIT\n"
        #expect(try CoreMetadata.validated(Array(text.utf8)).string(.licenseExpression) == "MIT")
    }

    @Test("required fields")
    func required() {
        #expect(throws: PackagingError.self) { try CoreMetadata.validated(Array("Summary: nothing else\n".utf8)) }
    }

    @Test("the Warehouse info members use Warehouse's names and nulls")
    func warehouseInfo() throws {
        let metadata = try CoreMetadata.validated(Array(Self.valid.utf8))
        let info = JSONValue.object(metadata.warehouseInfoMembers)
        #expect(info["requires_dist"] == ["requests>=2; extra == \"http\""])
        #expect(info["keywords"] == "a, b ,c")
        #expect(info["project_urls"] == .object([("Home", "https://example.com"), ("Source", "https://example.com/src")]))
        #expect(info["maintainer"] == .null)
        #expect(info["description"] == "The long description.")
    }
}

@Suite("JSON rendering")
struct JSONValueTests {
    @Test("escapes and key order")
    func rendering() {
        let value: JSONValue = .object([("b", 1), ("a", ["x\"y\\z\n\u{01}é", nil, true])])
        #expect(value.rendered == #"{"b":1,"a":["x\"y\\z\n\u0001é",null,true]}"#)
    }
}

@Suite("Text that is not UTF-8 is found as Python's decoder finds it")
struct MetadataEncodingTests {
    /// Reads `body` as the description of a minimal file: its text, and whether a problem
    /// says it was read as Latin-1.
    static func description(of body: [UInt8]) -> (text: String?, latin1: Bool) {
        let metadata = CoreMetadata(parsing: Array("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n".utf8) + body)
        return (metadata.longDescription, metadata.problems.contains { $0.field == "description" })
    }

    @Test("well-formed and malformed sequences, at the start, the middle and the end of long ASCII runs")
    func sequences() {
        let samples: [[UInt8]] = [
            [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF],
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
            [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xBF],
            [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3], [0xE2, 0x28, 0xA1], [0xF0, 0x9F, 0x28, 0x80], [0xF0, 0x9F, 0x98, 0x28],
        ]
        let run = Array(String(repeating: "ascii text ", count: 7).utf8)
        for sample in samples {
            for body in [sample + run, run + sample + run, run + sample] {
                let expected = String(validating: body, as: UTF8.self)
                let (text, latin1) = Self.description(of: body)
                #expect(latin1 == (expected == nil), "\(sample)")
                if let expected { #expect(text == expected, "\(sample)") }
            }
        }
    }

    @Test("random bytes: the same verdict as the standard library's validation")
    func random() {
        var generator = SplitMix(seed: 658)
        for round in 0..<3_000 {
            let count = Int(generator.next() % 90)
            let body = (0..<count).map { _ -> UInt8 in
                let roll = generator.next()
                // Mostly ASCII, with lead and continuation bytes mixed in.
                return roll % 4 == 0 ? UInt8(truncatingIfNeeded: roll >> 8) | 0x80 : UInt8(truncatingIfNeeded: roll >> 8) & 0x7F | 0x20
            }
            let expected = String(validating: body, as: UTF8.self)
            let (text, latin1) = Self.description(of: body)
            #expect(latin1 == (expected == nil), "round \(round): \(body)")
            if let expected, !expected.isEmpty { #expect(text == expected, "round \(round)") }
        }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible test inputs.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
