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

    @Test(
        "pax records whose length is impossible are refused, never an overflow",
        arguments: ["9223372036854775807 path=x\n", "9223372036854775800 path=x\n", "1 \n", "2 \n", "3 x\n", "-5 path=x\n", "6 path=x\n", "99 path=x\n"])
    func paxLengths(record: String) {
        let tar = ArchiveBuilder.tar([
            Entry("PaxHeader", Array(record.utf8), kind: .paxHeader), Entry("demo-1.0/PKG-INFO", metadata),
        ])
        expectError(.corrupt, containing: "pax", ArchiveBuilder.gzip(tar))
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
        // Refused at the second copy's header, before the rest of the archive is read.
        let repeated = ArchiveBuilder.tar([Entry("demo-1.0/PKG-INFO", metadata), Entry("demo-1.0/PKG-INFO", metadata)])
        expectError(.duplicateMetadata, containing: "more than one", ArchiveBuilder.gzip(Array(repeated[..<(512 * 3 + 10)])))
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
        expectError(.unsupported, containing: ".tar.Z", [0x1F, 0x9D, 0x90], filename: "demo-1.0.tar.Z")
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

@Suite("Older sdist formats: .tar.bz2, .tar.xz, .tar")
struct OlderSdistFormatTests {
    func inspect(_ bytes: [UInt8], _ filename: String, limits: ArchiveLimits = .default) throws -> InspectedDistribution {
        try bytes.withUnsafeBytes { try DistributionArchive.inspect(filename: filename, bytes: $0, strict: false, limits: limits) }
    }

    func expectError(
        _ code: ArchiveError.Code, containing fragment: String, _ bytes: [UInt8], _ filename: String, limits: ArchiveLimits = .default,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: ArchiveError.self, sourceLocation: sourceLocation) {
            do {
                _ = try inspect(bytes, filename, limits: limits)
            } catch let error as ArchiveError {
                #expect(error.code == code && error.message.contains(fragment), "got \(error.code): \(error.message)", sourceLocation: sourceLocation)
                throw error
            }
        }
    }

    @Test("every corpus sdist repacked as .tar.bz2, .tar.xz and .tar reads the same PKG-INFO as its .tar.gz")
    func corpusRepacked() throws {
        let sdists = try Corpus.checksums().map(\.filename).filter { $0.hasSuffix(".tar.gz") }
        #expect(sdists.count >= 20)
        for filename in sdists {
            let gzipped = Array(try Corpus.data(filename))
            let original = try inspect(gzipped, filename).archive
            let tar = ArchiveBuilder.gunzip(gzipped)
            let stem = String(filename.dropLast(".tar.gz".count))
            for (bytes, name) in [(ArchiveBuilder.bzip2(tar), stem + ".tar.bz2"), (ArchiveBuilder.xz(tar, preset: 1), stem + ".tar.xz"), (tar, stem + ".tar")] {
                let repacked = try inspect(bytes, name).archive
                #expect(repacked.metadataBytes == original.metadataBytes && repacked.metadataPath == original.metadataPath, "\(name)")
            }
        }
    }

    @Test("uploads (strict) take only current formats, as PyPI does (PEP 527, no eggs: PEP 715)")
    func uploadsRefuseOlderFormats() throws {
        let tar = ArchiveBuilder.tar([.init("demo-1.0/PKG-INFO", ArchiveBuilder.metadata(name: "demo", version: "1.0"))])
        #expect(throws: ArchiveError.self) {
            try ArchiveBuilder.bzip2(tar).withUnsafeBytes { try DistributionArchive.inspect(filename: "demo-1.0.tar.bz2", bytes: $0, strict: true) }
        }
        #expect(try inspect(ArchiveBuilder.bzip2(tar), "demo-1.0.tar.bz2").metadata.name == "demo")
        let egg = ArchiveBuilder.zip([.init("EGG-INFO/PKG-INFO", ArchiveBuilder.metadata(name: "demo", version: "1.0"))])
        let refused = #expect(throws: ArchiveError.self) {
            try egg.withUnsafeBytes { try DistributionArchive.inspect(filename: "demo-1.0-py3.11.egg", bytes: $0, strict: true) }
        }
        #expect(refused?.message.contains("eggs are not accepted") == true)
        #expect(try inspect(egg, "demo-1.0-py3.11.egg").metadata.name == "demo", "eggs are still read when mirrored")
    }

    @Test("concatenated bzip2 and xz streams are read on, as bzip2 and xz read them")
    func concatenated() throws {
        let tar = ArchiveBuilder.tar([.init("demo-1.0/PKG-INFO", ArchiveBuilder.metadata(name: "demo", version: "1.0")), .init("demo-1.0/a.py", "x = 1\n")])
        let half = tar.count / 2
        let bz2 = ArchiveBuilder.bzip2(Array(tar[..<half])) + ArchiveBuilder.bzip2(Array(tar[half...]))
        #expect(try inspect(bz2, "demo-1.0.tar.bz2").metadata.version == "1.0")
        let xz = ArchiveBuilder.xz(Array(tar[..<half])) + ArchiveBuilder.xz(Array(tar[half...]))
        #expect(try inspect(xz, "demo-1.0.tar.xz").metadata.version == "1.0")
    }

    @Test("truncated, corrupt and mislabelled bzip2 and xz are refused with the format named")
    func broken() {
        let tar = ArchiveBuilder.tar([.init("demo-1.0/PKG-INFO", ArchiveBuilder.metadata(name: "demo", version: "1.0"))])
        for (compressed, filename, format) in [(ArchiveBuilder.bzip2(tar), "demo-1.0.tar.bz2", "bzip2"), (ArchiveBuilder.xz(tar), "demo-1.0.tar.xz", "xz")] {
            expectError(.corrupt, containing: "truncated", Array(compressed.prefix(compressed.count - 8)), filename)
            var flipped = compressed
            for index in 30..<50 { flipped[index] ^= 0x5A }
            expectError(.corrupt, containing: format, flipped, filename)
            expectError(.corrupt, containing: format, ArchiveBuilder.gzip(tar), filename)
        }
    }

    @Test("a bzip2 bomb stops at the expansion cap; an xz stream asking for more decoder memory than allowed is refused")
    func bombs() {
        let tar = ArchiveBuilder.tar([.init("demo-1.0/zeros", [UInt8](repeating: 0, count: 80 << 20))])
        expectError(.tooLarge, containing: "decompression bomb", ArchiveBuilder.bzip2(tar), "demo-1.0.tar.bz2")
        let small = ArchiveBuilder.tar([.init("demo-1.0/PKG-INFO", ArchiveBuilder.metadata(name: "demo", version: "1.0"))])
        // Preset 6 declares an 8 MiB dictionary.
        expectError(.unsupported, containing: "MiB of memory", ArchiveBuilder.xz(small), "demo-1.0.tar.xz", limits: ArchiveLimits(maximumDecoderMemory: 4 << 20))
    }
}
