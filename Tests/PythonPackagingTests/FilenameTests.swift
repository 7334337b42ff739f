import PythonPackaging
import Testing

@Suite("Distribution filenames")
struct FilenameTests {
    @Test("kind, package type and python version as Warehouse records them")
    func kinds() throws {
        let wheel = try DistributionFilename(parsing: "MarkupSafe-2.1.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
        #expect(wheel.packageType == "bdist_wheel")
        #expect(wheel.pythonVersion == "cp311")
        #expect(wheel.name.normalized == "markupsafe")
        #expect(wheel.platformFamilies == [.linux])
        let sdist = try DistributionFilename(parsing: "zope.interface-6.0.tar.gz")
        #expect(sdist.packageType == "sdist" && sdist.pythonVersion == "source")
        #expect(sdist.name.normalized == "zope-interface")
        let legacy = try DistributionFilename(parsing: "oldpkg-0.1-beta.tar.bz2")
        #expect(legacy.versionText == "beta" || legacy.versionText == "0.1-beta" || legacy.version == nil)
        let egg = try DistributionFilename(parsing: "setuptools-0.6c11-py2.7.egg")
        #expect(egg.packageType == "bdist_egg" && egg.pythonVersion == "2.7")
    }

    @Test("platform families for filters")
    func platforms() {
        let cases: [(String, PlatformFamily)] = [
            ("any", .any), ("win32", .windows), ("win_amd64", .windows), ("win_arm64", .windows),
            ("macosx_10_9_universal2", .macos), ("linux_x86_64", .linux), ("manylinux2014_aarch64", .linux),
            ("manylinux_2_17_x86_64", .linux), ("musllinux_1_1_x86_64", .linux), ("freebsd_13_0_amd64", .freebsd),
            ("android_21_arm64_v8a", .other),
        ]
        for (tag, family) in cases { #expect(PlatformFamily(platformTag: tag) == family, "\(tag)") }
    }

    @Test("path tricks never pass as filenames")
    func unsafe() {
        for name in ["../x-1.0.tar.gz", "a/b-1.0.tar.gz", "a\\b-1.0.tar.gz", ".hidden-1.0.tar.gz", "x-1.0.tar.gz\u{0}", ""] {
            #expect(throws: PackagingError.self, "\(name.debugDescription)") { try DistributionFilename(parsing: name) }
        }
    }

    @Test("a compressed tag set that expands past 1,024 tags is refused (a crafted name can ask for millions)")
    func tagExpansion() throws {
        let parts = (0..<41).map { "p\($0)" }.joined(separator: ".")
        #expect(throws: PackagingError.self) { try DistributionFilename(parsing: "a-1-\(parts)-\(parts)-\(parts).whl") }
        let wide = (0..<2_000).map { "p\($0)" }.joined(separator: ".")
        #expect(throws: PackagingError.self) { try DistributionFilename(parsing: "a-1-py3-none-\(wide).whl") }
        let real = try DistributionFilename(parsing: "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
        guard case .wheel(let wheel) = real else { Issue.record("not a wheel"); return }
        #expect(wheel.tags.count == 2)
    }

    @Test("marker environments for target platforms")
    func targetEnvironments() throws {
        let linux = MarkerEnvironment.cpython("3.11", platformTag: "linux_x86_64")
        let windows = MarkerEnvironment.cpython("3.8", platformTag: "win_amd64")
        let marker = try Marker(parsing: "sys_platform == 'win32' and python_version < '3.9'")
        #expect(try !marker.evaluate(linux))
        #expect(try marker.evaluate(windows))
        let extraMarker = try Marker(parsing: "extra == 'socks'")
        #expect(try extraMarker.evaluate(linux, extras: ["socks"]))
        #expect(try !extraMarker.evaluate(linux, extras: []))
    }
}
