import PythonPackaging
import Testing

@Suite("Specifiers agree with packaging")
struct SpecifierDifferentialTests {
    let file: [String: Any]

    init() throws { file = try VectorFile.load("specifiers") }

    @Test("parsing single clauses")
    func parsing() {
        var mismatches = Mismatches()
        for item in file["parse"] as! [[String: Any]] {
            guard let parsed = mismatches.parsed(item, { try? Specifier(parsing: $0) }) else { continue }
            let expected = [item["str"] as! String, item["operator"] as! String, item["version"] as! String, "\(optionalBool(item["prereleases"]) as Any)"]
            let actual = [parsed.description, parsed.op.rawValue, parsed.versionText, "\(parsed.impliedPrereleases as Any)"]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("specifier parsing")
    }

    @Test("parsing sets")
    func sets() {
        var mismatches = Mismatches()
        for item in file["sets"] as! [[String: Any]] {
            guard let parsed = mismatches.parsed(item, { try? SpecifierSet(parsing: $0) }) else { continue }
            // `len()` counts the de-duplicated clauses once `str()` has canonicalized the set.
            let expected = [item["str"] as! String, "\(optionalBool(item["prereleases"]) as Any)", "\(item["count"]!)"]
            let actual = [parsed.description, "\(parsed.impliedPrereleases as Any)", "\(parsed.canonicalSpecifiers.count)"]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("specifier set parsing")
    }

    @Test("set membership with and without pre-releases")
    func setMembership() throws {
        var mismatches = Mismatches()
        for row in file["set_contains"] as! [[Any]] {
            let set = try SpecifierSet(parsing: row[0] as! String)
            let candidate = row[1] as! String
            let prereleases = optionalBool(row[2])
            let expected = row[3] as! Bool
            let actual = set.contains(candidate, prereleases: prereleases)
            mismatches.check(actual == expected, "'\(set)' contains \(candidate.debugDescription) (prereleases \(prereleases as Any)): expected \(expected)")
            if let version = Version(candidate), !set.description.contains("===") {
                mismatches.check(set.contains(version, prereleases: prereleases) == expected, "'\(set)' contains Version(\(candidate))")
            }
        }
        mismatches.expectNone("set membership")
    }

    @Test("single clause membership")
    func clauseMembership() throws {
        var mismatches = Mismatches()
        for row in file["specifier_contains"] as! [[Any]] {
            let specifier = try Specifier(parsing: row[0] as! String)
            let candidate = row[1] as! String
            let prereleases = optionalBool(row[2])
            let expected = row[3] as! Bool
            mismatches.check(
                specifier.contains(candidate, prereleases: prereleases) == expected,
                "'\(specifier)' contains \(candidate.debugDescription) (prereleases \(prereleases as Any)): expected \(expected)")
        }
        mismatches.expectNone("clause membership")
    }

    @Test("=== compares code points, as Python does, in sets as in single clauses")
    func arbitraryEqualityByScalars() throws {
        #expect(try SpecifierSet(parsing: "===\u{301}foo").contains("\u{301}foo"), "a combining mark right after === is part of the operand")
        #expect(try SpecifierSet(parsing: "===FOO").contains("foo"))
        #expect(!(try SpecifierSet(parsing: "===caf\u{E9}").contains("cafe\u{301}")), "canonically equivalent is not the same spelling")
    }

    @Test("filtering lists")
    func filtering() throws {
        var mismatches = Mismatches()
        for row in file["filter"] as! [[Any]] {
            let set = try SpecifierSet(parsing: row[0] as! String)
            let items = row[1] as! [String]
            let prereleases = optionalBool(row[2])
            let expected = row[3] as! [String]
            let actual = set.filter(items, prereleases: prereleases) { $0 }
            mismatches.check(actual == expected, "'\(set)'.filter(\(items), \(prereleases as Any)): expected \(expected), got \(actual)")
        }
        mismatches.expectNone("filter")
    }
}
