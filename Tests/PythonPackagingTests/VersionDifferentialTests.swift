@testable import PythonPackaging
import Testing

@Suite("Versions agree with packaging")
struct VersionDifferentialTests {
    @Test("parsing and normalizing")
    func parsing() throws {
        var mismatches = Mismatches()
        for item in try VectorFile.cases("versions") {
            guard let version = mismatches.parsed(item, Version.init) else { continue }
            let pre = (item["pre"] as? [String]).map { "\($0[0])\($0[1])" }
            let actualPre = version.pre.map { "\($0.kind)\($0.number)" }
            let expected = [
                item["normalized"] as! String, item["public"] as! String, item["base"] as! String,
                "\(item["epoch"]!)", (item["release"] as! [String]).joined(separator: "."), pre ?? "-",
                optionalString(item["post"]) ?? "-", optionalString(item["dev"]) ?? "-", optionalString(item["local"]) ?? "-",
                "\(item["is_prerelease"] as! Bool)", "\(item["is_postrelease"] as! Bool)", "\(item["is_devrelease"] as! Bool)",
            ]
            let actual = [
                version.description, version.publicDescription, version.baseVersion.description, version.epoch.description,
                version.release.map(\.description).joined(separator: "."), actualPre ?? "-", version.post?.description ?? "-",
                version.dev?.description ?? "-", version.localDescription ?? "-", "\(version.isPrerelease)",
                "\(version.isPostrelease)", "\(version.isDevrelease)",
            ]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("version")
    }

    @Test("ordering of pairs")
    func ordering() throws {
        let file = try VectorFile.load("version_order")
        var mismatches = Mismatches()
        for pair in file["pairs"] as! [[Any]] {
            let a = Version(pair[0] as! String)!
            let b = Version(pair[1] as! String)!
            let expected = pair[2] as! Int
            let actual = a.compare(to: b)
            mismatches.check(actual == expected, "\(a) vs \(b): expected \(expected), got \(actual)")
            mismatches.check((a == b) == (expected == 0), "\(a) == \(b) should be \(expected == 0)")
            mismatches.check((a == b) ? a.hashValue == b.hashValue : true, "\(a) and \(b) are equal but hash differently")
        }
        mismatches.expectNone("ordering")
    }

    @Test("sorting a sample, stably")
    func sorting() throws {
        let file = try VectorFile.load("version_order")
        let sample = file["sample"] as! [String]
        let expected = file["sorted"] as! [String]
        let sorted = sample.enumerated()
            .map { (index: $0.offset, text: $0.element, version: Version($0.element)!) }
            .sorted { $0.version != $1.version ? $0.version < $1.version : $0.index < $1.index }
            .map(\.text)
        #expect(sample.count == 600)
        #expect(sorted == expected)
        #expect(sample.map { Version($0)! }.sortedByPrecedence().map(\.description) == expected.map { Version($0)!.description })
        #expect(Version.sorted(sample, by: { Version($0)! }) == expected)
    }

    @Test("sort keys order exactly as versions do")
    func sortKeys() throws {
        let file = try VectorFile.load("version_order")
        var mismatches = Mismatches()
        for pair in file["pairs"] as! [[Any]] {
            let a = Version(pair[0] as! String)!
            let b = Version(pair[1] as! String)!
            var bufferA = SortKeyBuffer(capacity: 0)
            var bufferB = SortKeyBuffer(capacity: 0)
            a.appendSortKey(to: &bufferA)
            b.appendSortKey(to: &bufferB)
            let keyA = bufferA.withWritten(Array.init)
            let keyB = bufferB.withWritten(Array.init)
            let byKey = keyA == keyB ? 0 : (keyA.lexicographicallyPrecedes(keyB) ? -1 : 1)
            mismatches.check(byKey == pair[2] as! Int, "sort keys of \(a) and \(b) order as \(byKey)")
        }
        mismatches.expectNone("sort key")
    }
}
