@testable import PythonPackaging
import Testing

@Suite("Sorting many versions agrees with comparing them one pair at a time")
struct VersionSortingTests {
    /// The reference: a stable comparison sort on `compare(to:)`.
    static func reference(_ versions: [Version]) -> [String] {
        versions.enumerated()
            .sorted { let order = $0.element.compare(to: $1.element); return order != 0 ? order < 0 : $0.offset < $1.offset }
            .map { "\($0.offset):\($0.element)" }
    }

    static func sorted(_ versions: [Version]) -> [String] {
        Version.sortedIndices(versions).map { "\($0):\(versions[$0])" }
    }

    /// Expects the fast sort to give the reference order, naming the first difference.
    static func expectAgreement(_ versions: [Version], sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = sorted(versions)
        let expected = reference(versions)
        let first = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(actual.count == expected.count && first == nil,
            "first difference at \(first ?? -1): \(first.map { actual[$0] } ?? "") instead of \(first.map { expected[$0] } ?? "")",
            sourceLocation: sourceLocation)
        // The sorted versions themselves, spelled as they were (1.0 stays 1.0 beside 1).
        let texts = versions.sortedByPrecedence().map(\.description)
        let expectedTexts = expected.map { String($0.drop { $0 != ":" }.dropFirst()) }
        #expect(texts == expectedTexts, "sortedByPrecedence", sourceLocation: sourceLocation)
    }

    static func sample() throws -> [Version] {
        try (VectorFile.load("version_order")["sample"] as! [String]).map { Version($0)! }
    }

    @Test("the differential sample repeated and shuffled: mostly versions outside two words, with duplicates")
    func storedHeavy() throws {
        var generator = SplitMix(seed: 440)
        let versions = try Array(repeating: Self.sample(), count: 8).joined().shuffled(using: &generator)
        Self.expectAgreement(versions)
    }

    @Test("mostly plain X.Y.Z with a few epochs and local labels merged in, as an index's are")
    func packedHeavy() throws {
        var generator = SplitMix(seed: 503)
        let stored = try Self.sample().filter { if case .stored = $0.representation { true } else { false } }
        var versions: [Version] = []
        for _ in 0..<6_000 {
            let suffix = ["", "", "", "a1", "rc2", ".post1", ".dev3", "b0.dev1"][Int(generator.next() % 8)]
            let release = ["\(generator.next() % 4)", ".\(generator.next() % 12)", ".\(generator.next() % 3)", ".0"]
                .prefix(Int(generator.next() % 4) + 1).joined()
            versions.append(Version(release + suffix)!)
            if generator.next() % 30 == 0 { versions.append(stored.randomElement(using: &generator)!) }
        }
        #expect(versions.count > 6_000 && versions.count < 6_750)
        Self.expectAgreement(versions)
    }

    @Test("local labels that share their first 16, 32 and 48 key bytes")
    func longSharedKeys() {
        var generator = SplitMix(seed: 592)
        let stems = ["1.0+" + String(repeating: "abcdefgh.", count: 2), "1.0+" + String(repeating: "abcdefgh.", count: 4), "2!1.0+9.9.9.9.9.9.9.9."]
        var versions: [Version] = []
        for _ in 0..<1_500 {
            let stem = stems[Int(generator.next() % 3)]
            let tail = ["z", "0", "00", "a.b", "a", "1.1", "99999999999999999999999", ""][Int(generator.next() % 8)]
            versions.append(Version(stem + tail) ?? Version(String(stem.dropLast()))!)
        }
        Self.expectAgreement(versions)
    }

    @Test("short lists take the comparison path and still agree")
    func short() throws {
        let versions = Array(try Self.sample().prefix(40))
        Self.expectAgreement(versions)
        #expect(Self.sorted([]) == [])
    }
}
