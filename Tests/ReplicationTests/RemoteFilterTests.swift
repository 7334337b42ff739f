import ContentStore
import PythonPackaging
import Replication
import Testing

@Suite("Remote filters")
struct RemoteFilterTests {
    let now = Timestamp(iso8601: "2026-11-26T12:00:00Z")!

    func file(_ filename: String, uploaded: String = "2026-01-01T00:00:00Z") -> UpstreamFile {
        UpstreamFile(filename: filename, url: "https://up/\(filename)", sha256: .repeating("a"), uploadTime: Timestamp(iso8601: uploaded))
    }

    let django = [
        "Django-4.1.0-py3-none-any.whl", "Django-4.2.0-py3-none-any.whl", "Django-4.2.1-py3-none-any.whl", "Django-4.2.2-py3-none-any.whl",
        "Django-5.0-py3-none-any.whl", "Django-5.1rc1-py3-none-any.whl", "django-4.2.2.tar.gz",
    ]

    func selected(_ filter: RemoteFilter, _ names: [String], project: String = "django") -> [String] {
        filter.select(names.map { file($0) }, project: project, now: now).map(\.filename).sorted()
    }

    @Test("an include with specifiers selects exactly the matching versions")
    func includeSpecifiers() throws {
        let filter = RemoteFilter(includes: [try Requirement(parsing: "django~=4.2,!=4.2.1")])
        #expect(selected(filter, django) == ["Django-4.2.0-py3-none-any.whl", "Django-4.2.2-py3-none-any.whl", "django-4.2.2.tar.gz"])
        #expect(filter.wants(project: "django"))
        #expect(!filter.wants(project: "flask"))
        #expect(filter.projectScope.included == ["django"])
    }

    @Test("a page's files named for another project are never selected")
    func otherProjectsFiles() {
        let page = ["Django-4.2.0-py3-none-any.whl", "evil-4.2.0-py3-none-any.whl", "djangorestframework-3.15.2.tar.gz"]
        #expect(selected(RemoteFilter(), page) == ["Django-4.2.0-py3-none-any.whl"])
    }

    @Test("excludes: a bare name drops the project, a specifier drops versions")
    func excludes() throws {
        let bare = RemoteFilter(excludes: [try Requirement(parsing: "Django")])
        #expect(!bare.wants(project: "django"))
        #expect(selected(bare, django).isEmpty)
        let versions = RemoteFilter(excludes: [try Requirement(parsing: "django<5")])
        #expect(selected(versions, django) == ["Django-5.0-py3-none-any.whl", "Django-5.1rc1-py3-none-any.whl"])
    }

    @Test("prereleases off, package types, and excluded platforms")
    func typesAndPlatforms() {
        #expect(!selected(RemoteFilter(prereleases: false), django).contains("Django-5.1rc1-py3-none-any.whl"))
        #expect(selected(RemoteFilter(packageTypes: ["sdist"]), django) == ["django-4.2.2.tar.gz"])
        let wheels = [
            "demo-1.0-cp311-cp311-win_amd64.whl", "demo-1.0-cp311-cp311-macosx_11_0_arm64.whl",
            "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz",
        ]
        #expect(
            selected(RemoteFilter(excludePlatforms: [.windows, .macos]), wheels, project: "demo") == [
                "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz",
            ])
    }

    @Test("keep latest N keeps the N newest releases, every file of each")
    func keepLatest() {
        #expect(selected(RemoteFilter(keepLatestPackages: 1), django) == ["Django-5.1rc1-py3-none-any.whl"])
        #expect(
            selected(RemoteFilter(prereleases: false, keepLatestPackages: 2), django) == [
                "Django-4.2.2-py3-none-any.whl", "Django-5.0-py3-none-any.whl", "django-4.2.2.tar.gz",
            ])
    }

    @Test("a cool-down holds back files uploaded too recently")
    func minimumAge() {
        let filter = RemoteFilter(minimumAgeSeconds: 7 * 86400)
        let files = [file("demo-1.0.tar.gz", uploaded: "2026-11-01T00:00:00Z"), file("demo-2.0.tar.gz", uploaded: "2026-11-25T00:00:00Z")]
        #expect(filter.select(files, project: "demo", now: now).map(\.filename) == ["demo-1.0.tar.gz"])
    }

    @Test("the fingerprint changes with every setting")
    func fingerprint() throws {
        let base = RemoteFilter()
        let variants = [
            RemoteFilter(includes: [try Requirement(parsing: "demo")]), RemoteFilter(excludes: [try Requirement(parsing: "demo")]),
            RemoteFilter(prereleases: false), RemoteFilter(packageTypes: ["sdist"]), RemoteFilter(excludePlatforms: [.linux]),
            RemoteFilter(keepLatestPackages: 1), RemoteFilter(minimumAgeSeconds: 1),
        ]
        #expect(Set(variants.map(\.fingerprint) + [base.fingerprint]).count == variants.count + 1)
    }
}
