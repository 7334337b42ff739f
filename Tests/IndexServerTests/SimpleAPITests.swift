import HTTPTypes
import HummingbirdTesting
import PythonPackaging
import Testing

@testable import IndexServer

@Suite("Simple API")
struct SimpleAPITests {
    @Test("Accept negotiation with q-values (PEP 691)", arguments: [
        (nil, SimpleFormat.legacyHTML),
        ("*/*", .legacyHTML),
        ("text/html", .legacyHTML),
        ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", .json),
        ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01", .json),
        ("application/vnd.pypi.simple.latest+json", .json),
        ("text/html;q=0.1, application/vnd.pypi.simple.v1+json", .json),
        ("application/vnd.pypi.simple.v1+html", .html),
        ("text/*;q=0.5, application/vnd.pypi.simple.v1+json;q=0.4", .legacyHTML),
        ("application/vnd.pypi.simple.v1+json;q=0, */*;q=0.1", .legacyHTML),
    ] as [(String?, SimpleFormat)])
    func negotiation(accept: String?, expected: SimpleFormat) {
        #expect(SimpleFormat.negotiate(accept: accept) == expected)
    }

    @Test("nothing acceptable is a 406; ?format= overrides Accept")
    func notAcceptable() {
        #expect(SimpleFormat.negotiate(accept: "application/json") == nil)
        #expect(SimpleFormat.negotiate(accept: "application/json", formatParameter: "application/vnd.pypi.simple.v1+json") == .json)
    }

    @Test("root and project pages in HTML and JSON, with serials, validators and redirects")
    func pages() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.add(corpus: "requests-2.32.3-py3-none-any.whl")
        _ = try await fixture.add(corpus: "requests-2.32.3.tar.gz")
        _ = try await fixture.add(corpus: "MarkupSafe-2.1.5-cp311-cp311-win_amd64.whl")
        try await fixture.test { client in
            let root = try await client.execute(uri: "/pypi/default/simple/", method: .get)
            #expect(root.status == .ok)
            #expect(root.headers[.contentType] == "text/html; charset=utf-8")
            #expect(root.text.contains(#"<a href="markupsafe/">MarkupSafe</a>"#))
            #expect(root.text.contains(#"<meta name="pypi:repository-version" content="1.4">"#))
            let rootJSON = try await client.execute(uri: "/pypi/default/simple/", method: .get, headers: [.accept: "application/vnd.pypi.simple.v1+json"])
            #expect(rootJSON.headers[.contentType] == "application/vnd.pypi.simple.v1+json")
            let projects = try rootJSON.json()["projects"] as! [[String: Any]]
            #expect(projects.map { $0["name"] as! String } == ["MarkupSafe", "requests"])
            #expect(projects.allSatisfy { ($0["_last-serial"] as! Int) > 0 })
            let markupsafe = try await client.execute(
                uri: "/pypi/default/simple/markupsafe/", method: .get, headers: [.accept: "application/vnd.pypi.simple.v1+json"])
            #expect(try markupsafe.json()["name"] as? String == "markupsafe", "PEP 691: the project page's name is normalized")
            let proxied = try await client.execute(uri: "/pypi/default/simple/markupsafe/", method: .get, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(proxied.text.contains("href=\"https://"), "links follow the scheme a TLS-terminating proxy reports")

            let page = try await client.execute(uri: "/pypi/default/simple/requests/", method: .get)
            #expect(page.headers[.vary] == "Accept")
            #expect(Int(page.headers[HTTPField.Name("X-PyPI-Last-Serial")!] ?? "") ?? 0 > 0)
            #expect(page.text.contains(#"data-requires-python="&gt;=3.8""#))
            #expect(page.text.contains(#"data-core-metadata="sha256=658ee8454c1e2e76fb8c2127116f61156b3b22941b3559c00389dca70038581a""#))
            #expect(page.text.contains("requests-2.32.3-py3-none-any.whl#sha256=70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"))
            let etag = try #require(page.headers[.eTag])
            let cached = try await client.execute(uri: "/pypi/default/simple/requests/", method: .get, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)

            let json = try await client.execute(uri: "/pypi/default/simple/requests/", method: .get, headers: [.accept: "application/vnd.pypi.simple.v1+json"])
            #expect(json.headers[.eTag] != etag)
            let document = try json.json()
            #expect((document["meta"] as! [String: Any])["api-version"] as? String == "1.4")
            #expect(document["versions"] as? [String] == ["2.32.3"])
            let files = document["files"] as! [[String: Any]]
            #expect(files.count == 2)
            #expect(files.allSatisfy { $0["size"] is Int && ($0["upload-time"] as? String)?.hasSuffix("Z") == true })
            #expect((files.first { ($0["filename"] as! String).hasSuffix(".tar.gz") }!["core-metadata"] as? Bool) == false)

            let redirect = try await client.execute(uri: "/pypi/default/simple/Requests/", method: .get)
            #expect(redirect.status == .movedPermanently)
            #expect(redirect.headers[.location] == "/pypi/default/simple/requests/")
            let slash = try await client.execute(uri: "/pypi/default/simple/requests", method: .get)
            #expect(slash.headers[.location] == "/pypi/default/simple/requests/")
            let doubled = try await client.execute(uri: "//pypi/default/simple", method: .get)
            #expect(doubled.headers[.location] == "/pypi/default/simple/", "never a location that names another host")
            let missing = try await client.execute(uri: "/pypi/default/simple/nope/", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("'nope' is not in the index"))
            let noDistribution = try await client.execute(uri: "/pypi/elsewhere/simple/", method: .get)
            #expect(noDistribution.status == .notFound)
            let unacceptable = try await client.execute(uri: "/pypi/default/simple/", method: .get, headers: [.accept: "application/xml"])
            #expect(unacceptable.status == .notAcceptable)
        }
    }

    @Test("a yanked file carries data-yanked and a JSON reason")
    func yanked() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let package = try await fixture.add(corpus: "six-1.16.0-py2.py3-none-any.whl")
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(yank: [package.id: "broken build"]))
        try await fixture.test { client in
            let page = try await client.execute(uri: "/pypi/default/simple/six/", method: .get)
            #expect(page.text.contains(#"data-yanked="broken build""#))
            let json = try await client.execute(uri: "/pypi/default/simple/six/", method: .get, headers: [.accept: "application/vnd.pypi.simple.v1+json"])
            #expect(((try json.json()["files"] as! [[String: Any]]).first!["yanked"] as? String) == "broken build")
        }
    }

    @Test("project status (PEP 792): shown in HTML and JSON; a quarantined project offers no files until it is active again")
    func projectStatus() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let package = try await fixture.add(corpus: "six-1.16.0-py2.py3-none-any.whl")
        let json: HTTPFields = [.accept: "application/vnd.pypi.simple.v1+json"]
        let hex = package.sha256.hex
        let download = "/packages/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex.dropFirst(4))/\(package.filename)"
        try await fixture.test { client in
            let active = try await client.execute(uri: "/pypi/default/simple/six/", method: .get, headers: json)
            #expect((try active.json()["project-status"] as? [String: String]) == ["status": "active"])
            #expect(try await client.execute(uri: download, method: .get).status == .ok)
        }
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(status: ["six": .init(.archived, reason: "see <new>")]))
        try await fixture.test { client in
            let html = try await client.execute(uri: "/pypi/default/simple/six/", method: .get)
            #expect(html.text.contains(#"<meta name="pypi:project-status" content="archived">"#))
            #expect(html.text.contains(#"<meta name="pypi:project-status-reason" content="see &lt;new&gt;">"#))
            #expect(html.text.contains(package.filename))
            let page = try await client.execute(uri: "/pypi/default/simple/six/", method: .get, headers: json)
            #expect((try page.json()["project-status"] as? [String: String]) == ["status": "archived", "reason": "see <new>"])
        }
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(status: ["six": .init(.quarantined)]))
        try await fixture.test { client in
            let page = try await client.execute(uri: "/pypi/default/simple/six/", method: .get, headers: json)
            let document = try page.json()
            #expect((document["project-status"] as? [String: String]) == ["status": "quarantined"])
            #expect((document["files"] as? [Any])?.isEmpty == true && (document["versions"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: download, method: .get).status == .notFound)
            #expect(try await client.execute(uri: download + ".metadata", method: .get).status == .notFound)
            let api = try await client.execute(uri: "/pypi/default/pypi/six/json", method: .get)
            #expect(api.status == .notFound && api.text.contains("quarantined"))
        }
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(status: ["six": .init(.active)]))
        try await fixture.test { client in
            let file = try await client.execute(uri: download, method: .get)
            let page = try await client.execute(uri: "/pypi/default/simple/six/", method: .get)
            #expect(file.status == .ok)
            #expect(page.text.contains(#"<meta name="pypi:project-status" content="active">"#) && !page.text.contains("pypi:project-status-reason"))
        }
    }

    @Test("the changes journal for mirrors: what changed after a serial, found from the root")
    func changesJournal() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.add(corpus: "six-1.16.0-py2.py3-none-any.whl")
        let idna = try await fixture.add(corpus: "idna-3.10-py3-none-any.whl")
        try await fixture.store.modify(repositoryID: fixture.repository.id, changes: .init(remove: [idna.id]))
        try await fixture.test { client in
            let root = try await client.execute(uri: "/pypi/default/simple/", method: .get)
            let journal = try #require(root.headers[HTTPField.Name("X-Wheelhouse-Changes")!])
            let distribution = try await fixture.store.distribution(named: "default")
            #expect(journal == "/pypi/default/changes?epoch=\(distribution.uuid)")
            let all = try await client.execute(uri: journal + "&since=0", method: .get)
            let document = try all.json()
            let changes = document["changes"] as! [[String: Any]]
            #expect(changes.map { $0["project"] as! String } == ["six", "idna", "idna"])
            #expect(changes.map { $0["action"] as! String } == ["add", "add", "remove"])
            #expect(document["complete"] as? Bool == true)
            #expect(document["last_serial"] as? Int == changes.last!["serial"] as? Int)
            let after = try await client.execute(uri: "/pypi/default/changes?since=\(changes[1]["serial"] as! Int)", method: .get)
            #expect((try after.json()["changes"] as! [[String: Any]]).map { $0["action"] as! String } == ["remove"])
            #expect(try await client.execute(uri: "/pypi/default/changes", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/pypi/nowhere/changes?since=0", method: .get).status == .notFound)
            let replaced = try await client.execute(uri: "/pypi/default/changes?epoch=another&since=0", method: .get)
            #expect(replaced.status == .gone, "a journal read for a distribution since replaced is refused")
        }
    }

    @Test("changes made outside the server show without a restart")
    func externalChanges() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let before = try await client.execute(uri: "/pypi/default/simple/", method: .get)
            #expect(!before.text.contains("idna"))
            _ = try await fixture.add(corpus: "idna-3.10-py3-none-any.whl")
            var seen = false
            for _ in 0..<100 where !seen {
                try await Task.sleep(for: .milliseconds(20))
                seen = try await client.execute(uri: "/pypi/default/simple/", method: .get).text.contains("idna")
            }
            #expect(seen)
        }
    }
}
