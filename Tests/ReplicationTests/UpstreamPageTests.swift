import ContentStore
import PythonPackaging
@testable import Replication
import Testing

@Suite("Reading upstream pages")
struct UpstreamPageTests {
    let sha = SHA256Digest(hex: "64299f4909223da747622c030b781c0d7811e359c37124b4bd368fb8c6518baa")!
    let metadataSHA = SHA256Digest(hex: "ef5eb88ec1593772e587f9d7fe8051a9eb654dd7142d10638e7425cebb67e98d")!

    @Test("the simple root is found from an index base or a simple/ URL", arguments: [
        ("https://pypi.org/", "https://pypi.org/simple/"), ("https://pypi.org", "https://pypi.org/simple/"),
        ("http://host:8080/pypi/default/", "http://host:8080/pypi/default/simple/"),
        ("http://host/pypi/default/simple/", "http://host/pypi/default/simple/"), ("http://host/root/simple", "http://host/root/simple/"),
    ])
    func discovery(url: String, root: String) throws {
        #expect(try UpstreamIndex(url: url).simpleRoot == root)
    }

    @Test("URLs that are not http(s) are refused with a hint")
    func badURL() {
        #expect(throws: ReplicationError.self) { try UpstreamIndex(url: "ftp://example.org/") }
        #expect(throws: ReplicationError.self) { try UpstreamIndex(url: "not a url") }
    }

    @Test("a PEP 691 root with serials")
    func jsonRoot() throws {
        let body = #"{"meta":{"api-version":"1.1","_last-serial":42},"projects":[{"name":"Flask","_last-serial":40},{"name":"zope.interface"}]}"#
        let root = try SimplePageReader.root(Array(body.utf8), contentType: "application/vnd.pypi.simple.v1+json", serialHeader: nil, page: "http://h/simple/")
        #expect(root.serial == 42)
        #expect(root.projects == [UpstreamProjectEntry(name: "Flask", serial: 40), UpstreamProjectEntry(name: "zope.interface", serial: nil)])
        #expect(root.projects.map(\.normalized) == ["flask", "zope-interface"])
    }

    @Test("a PEP 691 project page: hashes, sizes, upload times, yanks, core metadata, relative URLs")
    func jsonProject() throws {
        let body = """
            {"meta":{"api-version":"1.1","_last-serial":7},"name":"requests","files":[
              {"filename":"requests-2.28.2-py3-none-any.whl","url":"../../files/requests-2.28.2-py3-none-any.whl","hashes":{"sha256":"\(sha)"},
               "requires-python":">=3.7, <4","core-metadata":{"sha256":"\(metadataSHA)"},"yanked":"bad build","size":62822,"upload-time":"2026-11-26T07:13:51.001598Z"},
              {"filename":"requests-2.0.tar.gz","url":"https://files.example/requests-2.0.tar.gz","hashes":{"md5":"abc"},"yanked":false},
              {"filename":"requests-2.1.tar.gz","url":"https://files.example/requests-2.1.tar.gz","hashes":{"sha256":"\(sha)"},"yanked":true,"dist-info-metadata":true}
            ]}
            """
        let (project, refused) = try SimplePageReader.project(
            Array(body.utf8), contentType: "application/vnd.pypi.simple.v1+json", serialHeader: 3, page: "http://h/pypi/x/simple/requests/",
            fallbackName: "requests")
        #expect(project.serial == 7)
        #expect(refused.map(\.filename) == ["requests-2.0.tar.gz"])
        #expect(project.files.count == 2)
        let wheel = project.files[0]
        #expect(wheel.url == "http://h/pypi/x/files/requests-2.28.2-py3-none-any.whl")
        #expect(wheel.sha256 == sha && wheel.size == 62822 && wheel.requiresPython == ">=3.7, <4")
        #expect(wheel.uploadTime == Timestamp(iso8601: "2026-11-26T07:13:51.001598Z"))
        #expect(wheel.yanked == .yanked(reason: "bad build"))
        #expect(wheel.coreMetadataSHA256 == metadataSHA)
        #expect(project.files[1].yanked == .yanked(reason: nil) && project.files[1].coreMetadataSHA256 == nil)
    }

    @Test("project status (PEP 792) from JSON and HTML pages; none given reads as active")
    func projectStatus() throws {
        let json = #"{"meta":{"api-version":"1.4"},"name":"old","files":[],"project-status":{"status":"archived","reason":"moved to new"}}"#
        let fromJSON = try SimplePageReader.project(
            Array(json.utf8), contentType: "application/vnd.pypi.simple.v1+json", serialHeader: nil, page: "http://h/simple/old/", fallbackName: "old"
        ).project
        #expect(fromJSON.status == .archived && fromJSON.statusReason == "moved to new")
        let html = """
            <html><head><meta name="pypi:repository-version" content="1.4">
            <META NAME="pypi:project-status" CONTENT="quarantined"/><meta name="pypi:project-status-reason" content="malware &amp; worse">
            </head><body></body></html>
            """
        let fromHTML = try SimplePageReader.project(Array(html.utf8), contentType: "text/html", serialHeader: nil, page: "http://h/simple/old/", fallbackName: "old")
            .project
        #expect(fromHTML.status == .quarantined && fromHTML.statusReason == "malware & worse")
        let plain = try SimplePageReader.project(Array("<html><body></body></html>".utf8), contentType: "text/html", serialHeader: nil, page: "http://h/", fallbackName: "x")
            .project
        #expect(plain.status == .active && plain.statusReason == nil)
    }

    @Test("a sync takes upstream's status changes, and sets back to active what upstream no longer marks")
    func statusTally() {
        var tally = SyncTally()
        tally.applyStatuses(
            upstream: ["a": ProjectStatusChange(.archived), "b": ProjectStatusChange(.deprecated, reason: "use c")],
            local: ["b": ProjectStatusChange(.deprecated, reason: "use c"), "d": ProjectStatusChange(.quarantined), "e": ProjectStatusChange(.archived)],
            read: ["a", "b", "d"])
        #expect(tally.changes.status == ["a": ProjectStatusChange(.archived), "d": ProjectStatusChange(.active)])
        #expect(tally.changedProjects == ["a", "d"])
    }

    @Test("a PEP 503 HTML project page: fragments, entities, data attributes, relative links")
    func htmlProject() throws {
        let body = """
            <!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>
            <a href="../../packages/requests-2.28.2-py3-none-any.whl#sha256=\(sha.hex.uppercased())" data-requires-python="&gt;=3.7, &lt;4"
               data-core-metadata="sha256=\(metadataSHA)" data-yanked="">requests-2.28.2-py3-none-any.whl</a><br/>
            <A HREF='https://files.example/requests-2.0.tar.gz#md5=abc'>requests-2.0.tar.gz</A>
            <a href="requests-2.1%2Blocal.tar.gz#sha256=\(sha)" data-yanked="do &amp; not use">requests-2.1+local.tar.gz</a>
            <a href="/signed/requests-2.2.tar.gz?token=a/b&amp;expires=1#sha256=\(sha)">download</a>
            </body></html>
            """
        let (project, refused) = try SimplePageReader.project(
            Array(body.utf8), contentType: "text/html", serialHeader: 9, page: "http://h/simple/requests/", fallbackName: "requests")
        #expect(project.serial == 9)
        #expect(refused.map(\.filename) == ["requests-2.0.tar.gz"])
        #expect(project.files.map(\.filename) == ["requests-2.28.2-py3-none-any.whl", "requests-2.1+local.tar.gz", "requests-2.2.tar.gz"])
        #expect(project.files[2].url == "http://h/signed/requests-2.2.tar.gz?token=a/b&expires=1", "the query stays in the URL, not in the filename")
        #expect(project.files[0].url == "http://h/packages/requests-2.28.2-py3-none-any.whl")
        #expect(project.files[0].sha256 == sha)
        #expect(project.files[0].requiresPython == ">=3.7, <4")
        #expect(project.files[0].yanked == .yanked(reason: nil))
        #expect(project.files[0].coreMetadataSHA256 == metadataSHA)
        #expect(project.files[1].yanked == .yanked(reason: "do & not use"))
        #expect(project.files[1].url == "http://h/simple/requests/requests-2.1%2Blocal.tar.gz")
    }

    @Test("a PEP 503 HTML root")
    func htmlRoot() throws {
        let body = "<html><body><a href=\"/simple/flask/\">Flask</a>\n<a href='zope-interface/'>zope.interface</a></body></html>"
        let root = try SimplePageReader.root(Array(body.utf8), contentType: "text/html; charset=utf-8", serialHeader: 5, page: "http://h/simple/")
        #expect(root.projects.map(\.normalized) == ["flask", "zope-interface"])
        #expect(root.serial == 5)
    }

    @Test("a JSON page that is not PEP 691 is a clear error")
    func badJSON() {
        #expect(throws: ReplicationError.self) {
            try SimplePageReader.project(Array("{\"nope\":1}".utf8), contentType: "application/vnd.pypi.simple.v1+json", serialHeader: nil, page: "http://h/simple/x/", fallbackName: "x")
        }
    }

    @Test("hostile file entries: a bad sha256, a negative size or a non-http link refuse the file; a bad metadata hash or time is dropped")
    func hostileFiles() throws {
        let good = sha.hex
        let body = """
            {"meta":{"api-version":"1.1"},"name":"demo","files":[
              {"filename":"demo-1.0-py3-none-any.whl","url":"demo-1.0-py3-none-any.whl","hashes":{"sha256":"\(good)"},"size":10,
               "core-metadata":{"sha256":"../../../../wheelhouse.sqlite"},"upload-time":"9999-12-31T23:59:59-01:00"},
              {"filename":"demo-1.1-py3-none-any.whl","url":"demo-1.1-py3-none-any.whl","hashes":{"sha256":"../../etc/passwd"}},
              {"filename":"demo-1.2-py3-none-any.whl","url":"demo-1.2-py3-none-any.whl","hashes":{"sha256":"\(good)"},"size":-1},
              {"filename":"demo-1.3-py3-none-any.whl","url":"http+unix://%2Frun%2Fdocker.sock/demo-1.3-py3-none-any.whl","hashes":{"sha256":"\(good)"}},
              {"filename":"demo-1.4-py3-none-any.whl","url":"file:///etc/passwd","hashes":{"sha256":"\(good)"}}
            ]}
            """
        let (project, refused) = try SimplePageReader.project(
            Array(body.utf8), contentType: "application/vnd.pypi.simple.v1+json", serialHeader: nil, page: "http://h/simple/demo/", fallbackName: "demo")
        #expect(project.files.map(\.filename) == ["demo-1.0-py3-none-any.whl"])
        #expect(project.files[0].coreMetadataSHA256 == nil && project.files[0].uploadTime == nil)
        #expect(refused.map(\.filename) == ["demo-1.1-py3-none-any.whl", "demo-1.2-py3-none-any.whl", "demo-1.3-py3-none-any.whl", "demo-1.4-py3-none-any.whl"])
        #expect(refused[0].reason.contains("not 64 hexadecimal digits") && refused[1].reason.contains("negative size"))
        #expect(refused[2].reason.contains("not an http or https URL") && refused[3].reason.contains("not an http or https URL"))

        let html = """
            <a href="demo-1.0-py3-none-any.whl#sha256=\(good)" data-core-metadata="sha256=../../x" data-dist-info-metadata="sha256=zz">w</a>
            <a href="ftp://h/demo-1.1.tar.gz#sha256=\(good)">s</a>
            """
        let fromHTML = try SimplePageReader.project(Array(html.utf8), contentType: "text/html", serialHeader: nil, page: "http://h/simple/demo/", fallbackName: "demo")
        #expect(fromHTML.project.files.map(\.filename) == ["demo-1.0-py3-none-any.whl"] && fromHTML.project.files[0].coreMetadataSHA256 == nil)
        #expect(fromHTML.refused.map(\.filename) == ["demo-1.1.tar.gz"])
    }
}
