import PackageArchives
import PythonPackaging
import Testing
import TestSupport

/// Every kind of broken or hostile wheel gets a clear error of the right kind, never a crash.
@Suite("Hostile and broken wheels")
struct HostileWheelTests {
    typealias Entry = ArchiveBuilder.ZipEntry
    let filename = "demo-1.0-py3-none-any.whl"

    func inspect(_ bytes: [UInt8], filename: String? = nil, strict: Bool = false, limits: ArchiveLimits = .default) throws -> InspectedDistribution {
        let name = filename ?? self.filename
        return try bytes.withUnsafeBytes { buffer in
            try DistributionArchive.inspect(filename: name, bytes: buffer, strict: strict, limits: limits)
        }
    }

    func expectError(_ code: ArchiveError.Code, containing fragment: String? = nil, _ bytes: [UInt8], strict: Bool = false, limits: ArchiveLimits = .default, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try inspect(bytes, strict: strict, limits: limits)
            Issue.record("expected \(code), but the archive was accepted", sourceLocation: sourceLocation)
        } catch let error as ArchiveError {
            #expect(error.code == code, "got \(error.code): \(error.message)", sourceLocation: sourceLocation)
            #expect(fragment.map(error.message.contains) ?? true, "message was: \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a well-formed wheel is read, with WHEEL and RECORD seen")
    func wellFormed() throws {
        let inspected = try inspect(ArchiveBuilder.wheel(name: "demo", version: "1.0"), strict: true)
        #expect(inspected.metadata.name == "demo")
        #expect(inspected.archive.hasWheelFile && inspected.archive.hasRecord)
        #expect(inspected.archive.metadataPath == "demo-1.0.dist-info/METADATA")
    }

    @Test("truncated at several points")
    func truncated() {
        let wheel = ArchiveBuilder.wheel(name: "demo", version: "1.0")
        for cut in [1, 10, 21, wheel.count / 2, wheel.count - 30] {
            expectError(.corrupt, Array(wheel.prefix(cut)))
        }
    }

    @Test("not a zip at all")
    func garbage() {
        expectError(.corrupt, containing: "not a zip file", Array(repeating: 0x41, count: 4096))
        expectError(.corrupt, containing: "too short", [0x50, 0x4B])
    }

    @Test("corrupt compressed data and a wrong CRC")
    func corruptData() {
        let path = "demo-1.0.dist-info/METADATA"
        let longMetadata = ArchiveBuilder.metadata(name: "demo", version: "1.0", extra: "Description: " + String(repeating: "words and more words ", count: 200) + "\n")
        var damaged = ArchiveBuilder.zip([Entry(path, longMetadata)])
        // Damage the deflated data of the only entry, which starts after its 30-byte header and name.
        for index in (30 + path.utf8.count + 4)..<(30 + path.utf8.count + 12) { damaged[index] ^= 0xFF }
        expectError(.corrupt, damaged)
        var badCRC = Entry("demo-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "demo", version: "1.0"))
        badCRC.crc = 1234
        expectError(.corrupt, containing: "CRC", ArchiveBuilder.zip([badCRC]))
    }

    @Test("a METADATA that inflates beyond its declared size")
    func lyingSize() {
        var entry = Entry("demo-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "demo", version: "1.0"))
        entry.declaredSize = 10
        expectError(.corrupt, containing: "more than its declared", ArchiveBuilder.zip([entry]))
    }

    @Test("a zip bomb: huge expansion for a small file")
    func zipBomb() {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        let bytes = ArchiveBuilder.wheel(name: "demo", version: "1.0", extra: [Entry("demo/zeros.bin", zeros)])
        let limits = ArchiveLimits(ratioThreshold: 1 << 20)
        expectError(.tooLarge, containing: "decompression bomb", bytes, limits: limits)
        let capped = ArchiveLimits(maximumExpandedSize: 1 << 20)
        expectError(.tooLarge, containing: "expands to more than", bytes, limits: capped)
    }

    @Test("METADATA over the size cap")
    func metadataTooLarge() {
        let big = ArchiveBuilder.metadata(name: "demo", version: "1.0") + String(repeating: "long description line\n", count: 50_000)
        let bytes = ArchiveBuilder.wheel(name: "demo", version: "1.0", metadata: big)
        expectError(.tooLarge, containing: "more than the", bytes, limits: ArchiveLimits(maximumMetadataSize: 64 << 10))
    }

    @Test("entries that climb out or are absolute")
    func pathTricks() {
        for path in ["../evil.py", "demo/../../evil.py", "/etc/passwd", "C:/windows/evil.dll", "demo\\..\\..\\evil"] {
            expectError(.unsafePath, ArchiveBuilder.wheel(name: "demo", version: "1.0", extra: [Entry(path, "x")]))
        }
    }

    @Test("a symbolic link entry")
    func symlink() {
        var link = Entry("demo/link", "/etc/passwd")
        link.isSymlink = true
        expectError(.unsafePath, containing: "symbolic link", ArchiveBuilder.wheel(name: "demo", version: "1.0", extra: [link]))
    }

    @Test("missing, duplicate and repeated METADATA")
    func metadataCount() {
        expectError(.missingMetadata, containing: "no .dist-info/METADATA", ArchiveBuilder.zip([Entry("demo/__init__.py", "")]))
        let second = Entry("other-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "other", version: "1.0"))
        expectError(.duplicateMetadata, containing: "more than one METADATA", ArchiveBuilder.wheel(name: "demo", version: "1.0", extra: [second]))
        let repeated = Entry("demo-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "demo", version: "1.0"))
        expectError(.corrupt, containing: "more than once", ArchiveBuilder.wheel(name: "demo", version: "1.0", extra: [repeated]))
    }

    @Test("zip64 sizes and offsets chosen to overflow 64-bit arithmetic")
    func zip64Overflow() {
        let metadata = ArchiveBuilder.metadata(name: "demo", version: "1.0")
        let huge = UInt64(Int64.max - 8)
        var first = Entry("demo/a.bin", "a")
        first.zip64Size = huge
        var second = Entry("demo/b.bin", "b")
        second.zip64Size = huge
        expectError(.tooLarge, containing: "expands to more than", ArchiveBuilder.wheel(name: "demo", version: "1.0", extra: [first, second]))
        var farHeader = Entry("demo-1.0.dist-info/METADATA", metadata)
        farHeader.zip64Offset = huge
        expectError(.corrupt, containing: "local header", ArchiveBuilder.zip([farHeader]))
        var longData = Entry("demo-1.0.dist-info/METADATA", metadata)
        longData.zip64CompressedSize = huge
        expectError(.corrupt, containing: "runs past the end", ArchiveBuilder.zip([longData]))
        let directory = ArchiveBuilder.zip([Entry("demo-1.0.dist-info/METADATA", metadata)], zip64Directory: (size: huge, offset: 64))
        expectError(.corrupt, containing: "central directory lies outside", directory)
        var honest = Entry("demo-1.0.dist-info/METADATA", metadata)
        honest.zip64Size = UInt64(metadata.utf8.count)
        honest.zip64Offset = 0
        let plain = ArchiveBuilder.zip([honest])
        func field(_ at: Int) -> UInt64 { (0..<4).reduce(0) { $0 | UInt64(plain[plain.count - 22 + at + $1]) << (8 * $1) } }
        let zip64 = ArchiveBuilder.zip([honest], zip64Directory: (size: field(12), offset: field(16)))
        #expect((try? inspect(zip64))?.metadata.name == "demo", "true zip64 values are read")
    }

    @Test("encrypted entries and unknown compression methods")
    func unsupported() {
        var encrypted = Entry("demo-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "demo", version: "1.0"))
        encrypted.encrypted = true
        expectError(.unsupported, containing: "encrypted", ArchiveBuilder.zip([encrypted]))
        var bzip = Entry("demo-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "demo", version: "1.0"))
        bzip.method = 12
        expectError(.unsupported, containing: "method 12", ArchiveBuilder.zip([bzip]))
    }

    @Test("filename and metadata disagree on name or version")
    func disagreement() {
        let wrongName = ArchiveBuilder.wheel(name: "demo", version: "1.0", metadata: ArchiveBuilder.metadata(name: "other", version: "1.0"))
        expectError(.inconsistent, containing: "names the project 'demo'", wrongName)
        let wrongVersion = ArchiveBuilder.wheel(name: "demo", version: "1.0", metadata: ArchiveBuilder.metadata(name: "demo", version: "2.0"))
        expectError(.inconsistent, containing: "version '1.0'", wrongVersion)
        let equivalent = ArchiveBuilder.wheel(name: "demo", version: "1.0", metadata: ArchiveBuilder.metadata(name: "Demo", version: "1.0.0"))
        #expect((try? inspect(equivalent)) != nil, "1.0.0 is the same version as 1.0 and Demo the same project as demo")
    }

    @Test("METADATA that is not UTF-8: read leniently, refused strictly")
    func invalidUTF8() throws {
        var text = Array(ArchiveBuilder.metadata(name: "demo", version: "1.0").utf8)
        text += Array("Author: J".utf8) + [0xFC] + Array("rgen\n".utf8)
        let raw = ArchiveBuilder.zip([
            Entry("demo-1.0.dist-info/METADATA", text), Entry("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"),
            Entry("demo-1.0.dist-info/RECORD", ""),
        ])
        let lenient = try inspect(raw)
        #expect(lenient.metadata.string(.author) == "J\u{FC}rgen")
        #expect(lenient.metadata.problems.contains { $0.field == "author" && $0.message.contains("Latin-1") })
        expectError(.inconsistent, containing: "not valid UTF-8", raw, strict: true)
    }

    @Test("strict reading wants WHEEL and RECORD")
    func strictWheelFiles() {
        let bare = ArchiveBuilder.zip([Entry("demo-1.0.dist-info/METADATA", ArchiveBuilder.metadata(name: "demo", version: "1.0"))])
        #expect((try? inspect(bare)) != nil)
        expectError(.inconsistent, containing: "WHEEL and RECORD", bare, strict: true)
    }

    @Test("an unsafe or malformed filename is refused before the archive is read")
    func badFilenames() {
        for name in ["../demo-1.0-py3-none-any.whl", "demo/x-1.0-py3-none-any.whl", "demo-1.0.whl", ".demo-1.0.tar.gz", "demo.exe"] {
            #expect(throws: ArchiveError.self) { try inspect(ArchiveBuilder.wheel(name: "demo", version: "1.0"), filename: name) }
        }
    }
}
