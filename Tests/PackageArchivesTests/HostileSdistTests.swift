import PackageArchives
import PythonPackaging
import Testing
import TestSupport

@Suite("Hostile and broken sdists")
struct HostileSdistTests {
    typealias Entry = ArchiveBuilder.TarEntry
    let filename = "demo-1.0.tar.gz"
    let metadata = ArchiveBuilder.metadata(name: "demo", version: "1.0")

    func inspect(_ bytes: [UInt8], filename: String? = nil, limits: ArchiveLimits = .default) throws -> InspectedDistribution {
        let name = filename ?? self.filename
        return try bytes.withUnsafeBytes { buffer in
            try DistributionArchive.inspect(filename: name, bytes: buffer, strict: false, limits: limits)
        }
    }

    func expectError(_ code: ArchiveError.Code, containing fragment: String? = nil, _ bytes: [UInt8], limits: ArchiveLimits = .default, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try inspect(bytes, limits: limits)
            Issue.record("expected \(code), but the sdist was accepted", sourceLocation: sourceLocation)
        } catch let error as ArchiveError {
            #expect(error.code == code, "got \(error.code): \(error.message)", sourceLocation: sourceLocation)
            #expect(fragment.map(error.message.contains) ?? true, "message was: \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a well-formed sdist, and one whose PKG-INFO path needs a pax header")
    func wellFormed() throws {
        #expect(try inspect(ArchiveBuilder.sdist(name: "demo", version: "1.0")).metadata.version == "1.0")
        let top = "demo-1.0"
        let deep = top + "/" + String(repeating: "nested/", count: 20) + "file.py"
        let bytes = ArchiveBuilder.gzip(ArchiveBuilder.tar([Entry(deep, "x = 1\n"), Entry("\(top)/PKG-INFO", metadata)]))
        #expect(try inspect(bytes).archive.metadataPath == "demo-1.0/PKG-INFO")
    }

    @Test("truncated gzip, corrupt gzip, not gzip")
    func brokenCompression() {
        let sdist = ArchiveBuilder.sdist(name: "demo", version: "1.0")
        expectError(.corrupt, containing: "truncated", Array(sdist.prefix(sdist.count - 12)))
        var flipped = sdist
        for index in 20..<40 { flipped[index] ^= 0x5A }
        expectError(.corrupt, flipped)
        expectError(.corrupt, Array("just some text, not gzip".utf8))
    }

    @Test("a tar cut off inside an entry, and a bad header checksum")
    func brokenTar() {
        let tar = ArchiveBuilder.tar([Entry("demo-1.0/PKG-INFO", metadata), Entry("demo-1.0/big.bin", [UInt8](repeating: 7, count: 5000))])
        expectError(.corrupt, containing: "truncated", ArchiveBuilder.gzip(Array(tar.prefix(2048))))
        let bad = ArchiveBuilder.tar([Entry("demo-1.0/PKG-INFO", metadata)], corruptChecksum: true)
        expectError(.corrupt, containing: "checksum", ArchiveBuilder.gzip(bad))
    }

    @Test("entries with .. or absolute paths")
    func pathTricks() {
        for path in ["demo-1.0/../../evil", "/etc/cron.d/evil", "../PKG-INFO"] {
            expectError(.unsafePath, ArchiveBuilder.sdist(name: "demo", version: "1.0", extra: [Entry(path, "x")]))
        }
    }

    @Test("links that escape, and a PKG-INFO that is a link")
    func links() {
        let outside = Entry("demo-1.0/escape", [], kind: .symlink, link: "../../etc/passwd")
        expectError(.unsafePath, containing: "outside", ArchiveBuilder.sdist(name: "demo", version: "1.0", extra: [outside]))
        let absolute = Entry("demo-1.0/abs", [], kind: .hardlink, link: "/etc/passwd")
        expectError(.unsafePath, containing: "absolute", ArchiveBuilder.sdist(name: "demo", version: "1.0", extra: [absolute]))
        let linkedMetadata = ArchiveBuilder.gzip(ArchiveBuilder.tar([Entry("demo-1.0/PKG-INFO", [], kind: .symlink, link: "setup.cfg")]))
        expectError(.unsafePath, containing: "is a link", linkedMetadata)
        let inside = Entry("demo-1.0/docs/readme", [], kind: .symlink, link: "../README")
        #expect((try? inspect(ArchiveBuilder.sdist(name: "demo", version: "1.0", extra: [inside]))) != nil)
    }

    @Test("missing and duplicate PKG-INFO")
    func metadataCount() {
        let none = ArchiveBuilder.gzip(ArchiveBuilder.tar([Entry("demo-1.0/setup.py", "")]))
        expectError(.missingMetadata, containing: "no PKG-INFO", none)
        let nested = ArchiveBuilder.gzip(ArchiveBuilder.tar([Entry("demo-1.0/src/demo.egg-info/PKG-INFO", metadata)]))
        expectError(.missingMetadata, containing: "no PKG-INFO", nested)
        let two = ArchiveBuilder.sdist(name: "demo", version: "1.0", extra: [Entry("other-1.0/PKG-INFO", metadata)])
        expectError(.duplicateMetadata, containing: "more than one", two)
    }

    @Test("a gzip bomb and a PKG-INFO over the cap")
    func bombs() {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        let bomb = ArchiveBuilder.sdist(name: "demo", version: "1.0", extra: [Entry("demo-1.0/zeros", zeros)])
        expectError(.tooLarge, containing: "decompression bomb", bomb, limits: ArchiveLimits(ratioThreshold: 1 << 20))
        let big = metadata + String(repeating: "x", count: 100_000)
        expectError(.tooLarge, containing: "more than the", ArchiveBuilder.sdist(name: "demo", version: "1.0", metadata: big), limits: ArchiveLimits(maximumMetadataSize: 10_000))
    }

    @Test("legacy formats are named, not misread")
    func legacy() {
        expectError(.unsupported, containing: ".tar.bz2", [0x42, 0x5A, 0x68], filename: "demo-1.0.tar.bz2")
    }

    func expectError(_ code: ArchiveError.Code, containing fragment: String? = nil, _ bytes: [UInt8], filename: String) {
        do {
            _ = try inspect(bytes, filename: filename)
            Issue.record("expected \(code)")
        } catch let error as ArchiveError {
            #expect(error.code == code)
            #expect(fragment.map(error.message.contains) ?? true, "message was: \(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
