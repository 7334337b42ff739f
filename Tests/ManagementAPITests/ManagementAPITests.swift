import ContentStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import ManagementAPI
import Testing

@Suite("The management API (Pulp's v3 REST API)")
struct ManagementAPITests {
    @Test("docs/api.json is served without credentials and holds what pulp-glue validates")
    func document() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let response = try await client.execute(uri: "/pulp/api/v3/docs/api.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
            let info = try #require(document["info"] as? [String: Any])
            let versions = try #require(info["x-pulp-app-versions"] as? [String: String])
            #expect(versions == ["core": "3.123.1", "python": "3.36.4"])
            // status/ must report the same versions, or pulp-cli refreshes the document every time.
            let status = try await client.call("/pulp/api/v3/status/", headers: [:])
            #expect(status.status == .ok)
            let reported = (status.body["versions"] as? [[String: Any]] ?? []).map { ($0["component"] as? String ?? "", $0["version"] as? String ?? "") }
            #expect(Dictionary(uniqueKeysWithValues: reported) == versions)

            var ids = Set<String>()
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            for (path, methods) in paths {
                for (method, operation) in methods {
                    let id = try #require(operation["operationId"] as? String, "\(method) \(path)")
                    #expect(ids.insert(id).inserted, "operationId \(id) twice")
                    let parameters = try #require(operation["parameters"] as? [[String: Any]], "\(id) has no parameters key")
                    for parameter in parameters where parameter["in"] as? String == "path" {
                        #expect(parameter["required"] as? Bool == true, "\(id)")
                        #expect(path.contains("{\(parameter["name"] as? String ?? "")}"), "\(id)")
                    }
                    let responses = try #require(operation["responses"] as? [String: [String: Any]])
                    for (code, response) in responses {
                        #expect(response["description"] != nil, "\(id) \(code)")
                        if code != "204" { #expect((response["content"] as? [String: Any])?["application/json"] != nil, "\(id) \(code)") }
                    }
                    #expect((operation["security"] == nil) == (id == "status_read"), "\(id)")
                }
            }
            for required in [
                "repositories_python_python_sync", "repositories_python_python_versions_list", "distributions_python_pypi_list",
                "content_python_packages_create", "tasks_read", "task_groups_read", "publications_python_pypi_list",
            ] {
                #expect(ids.contains(required), "\(required) missing")
            }
            // pulpcore's replication filters the upstream's distributions with q.
            let list = try #require(paths["/pulp/api/v3/distributions/python/pypi/"]?["get"]?["parameters"] as? [[String: Any]])
            #expect(list.contains { $0["name"] as? String == "q" })
        }
    }

    @Test("management needs an account: 401 without or with wrong credentials, 403 for the upload token")
    func signIn() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.store.setPassword(username: "__token__", password: "upload-token")
        try await fixture.test { client in
            let anonymous = try await client.call("/pulp/api/v3/repositories/python/python/", headers: [:])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.response.headers[.wwwAuthenticate] == "Basic realm=\"wheelhouse\"")
            #expect(anonymous.body["detail"] as? String == "Authentication credentials were not provided.")
            let wrong = try await client.call(
                "/pulp/api/v3/repositories/python/python/", headers: [.authorization: "Basic " + Data("admin:nope".utf8).base64EncodedString()])
            #expect(wrong.status == .unauthorized)
            let token = try await client.call(
                "/pulp/api/v3/repositories/python/python/", headers: [.authorization: "Basic " + Data("__token__:upload-token".utf8).base64EncodedString()])
            #expect(token.status == .forbidden)
            #expect(try await client.call("/pulp/api/v3/repositories/python/python/").status == .ok)
        }
    }

    @Test("a repository is created (201), found by exact name, updated and deleted as tasks; a duplicate name is a field error")
    func repositories() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let created = try await client.call("/pulp/api/v3/repositories/python/python/", .post, json: #"{"name":"team","pulp_labels":{"tier":"gold"}}"#)
            #expect(created.status == .created)
            let href = try #require(created.body["pulp_href"] as? String)
            #expect(href.hasPrefix("/pulp/api/v3/repositories/python/python/") && href.hasSuffix("/"))
            #expect(created.body["latest_version_href"] as? String == href + "versions/0/")
            #expect(created.body["pulp_labels"] as? [String: String] == ["tier": "gold"])
            #expect(created.body["prn"] as? String == "prn:python.pythonrepository:" + href.split(separator: "/").last!)

            let duplicate = try await client.call("/pulp/api/v3/repositories/python/python/", .post, json: #"{"name":"team"}"#)
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.body["name"] as? [String] == ["This field must be unique."])

            _ = try await client.call("/pulp/api/v3/repositories/python/python/", .post, json: #"{"name":"team-b"}"#)
            let lookup = try await client.call("/pulp/api/v3/repositories/python/python/?name=team&offset=0&limit=1")
            #expect(lookup.body["count"] as? Int == 1)
            let labelled = try await client.call("/pulp/api/v3/repositories/python/python/?pulp_label_select=tier%3Dgold")
            #expect((labelled.body["results"] as? [[String: Any]])?.map { $0["name"] as? String } == ["team"])
            let paged = try await client.call("/pulp/api/v3/repositories/python/python/?limit=1")
            #expect(paged.body["count"] as? Int == 2)
            #expect(paged.body["next"] as? String == "/pulp/api/v3/repositories/python/python/?limit=1&offset=1")

            let updated = try await client.finished(try await client.call(href, .patch, json: #"{"description":"the team's"}"#))
            #expect(updated["state"] as? String == "completed")
            #expect((updated["result"] as? [String: Any])?["description"] as? String == "the team's")
            #expect(try await client.call(href).body["description"] as? String == "the team's")

            let deleted = try await client.finished(try await client.call(href, .delete))
            #expect(deleted["state"] as? String == "completed")
            let gone = try await client.call(href)
            #expect(gone.status == .notFound)
            #expect(gone.body["detail"] as? String == "No Python Repository matches the given query.")
        }
    }

    @Test("a distribution serves a repository, a version or a publication, one at a time; base_url follows the host")
    func distributions() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let repository = try #require(try await client.call("/pulp/api/v3/repositories/python/python/", .post, json: #"{"name":"r"}"#).body["pulp_href"] as? String)
            let both = try await client.call(
                "/pulp/api/v3/distributions/python/pypi/", .post,
                json: #"{"name":"d","base_path":"d","repository":"\#(repository)","repository_version":"\#(repository)versions/0/"}"#)
            #expect(both.status == .badRequest)
            let missing = try await client.call(
                "/pulp/api/v3/distributions/python/pypi/", .post,
                json: #"{"name":"d","base_path":"d","repository":"/pulp/api/v3/repositories/python/python/00000000-0000-4000-8000-000000000000/"}"#)
            #expect(missing.body["repository"] as? [String] == ["Invalid hyperlink - Object does not exist."])

            let nested = try await client.call("/pulp/api/v3/distributions/python/pypi/", .post, json: #"{"name":"d","base_path":"team/d"}"#)
            #expect(nested.body["base_path"] != nil)
            let task = try await client.finished(
                try await client.call(
                    "/pulp/api/v3/distributions/python/pypi/", .post,
                    json: #"{"name":"d","base_path":"team-d","repository":"\#(repository)","publication":null,"repository_version":null}"#))
            let distribution = try #require(task["result"] as? [String: Any])
            #expect(distribution["repository"] as? String == repository)
            #expect((distribution["base_url"] as? String ?? "").hasSuffix("/pypi/team-d/"))
            #expect(task["created_resources"] as? [String] == [distribution["pulp_href"] as? String ?? ""])
            let href = try #require(distribution["pulp_href"] as? String)

            let published = try await client.finished(try await client.call("/pulp/api/v3/publications/python/pypi/", .post, json: #"{"repository":"\#(repository)"}"#))
            let publication = try #require((published["created_resources"] as? [String])?.first)
            _ = try await client.finished(try await client.call(href, .patch, json: #"{"publication":"\#(publication)","repository":null}"#))
            let shown = try await client.call(href).body
            #expect(shown["publication"] as? String == publication)
            #expect(shown["repository"] is NSNull)
            #expect((try await client.call(publication).body["distributions"] as? [String]) == [href])

            let label = try await client.call(href + "set_label/", .post, json: #"{"key":"replicate","value":"yes"}"#)
            #expect(label.status == .created)
            let selected = try await client.call("/pulp/api/v3/distributions/python/pypi/?q=pulp_label_select%3D%22replicate%3Dyes%22&offset=0&limit=100")
            #expect(selected.body["count"] as? Int == 1)
            let excluded = try await client.call("/pulp/api/v3/distributions/python/pypi/?q=NOT%20pulp_label_select%3D%22replicate%3Dyes%22")
            #expect(excluded.body["count"] as? Int == 0)
            let unsupported = try await client.call("/pulp/api/v3/distributions/python/pypi/?q=pulp_created__gte%3D%222020%22")
            #expect(unsupported.status == .badRequest)
        }
    }

    @Test("a sync needs a remote: the one named, else the repository's")
    func syncNeedsRemote() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let repository = try #require(try await client.call("/pulp/api/v3/repositories/python/python/", .post, json: #"{"name":"r"}"#).body["pulp_href"] as? String)
            let refused = try await client.call(repository + "sync/", .post, json: "{}")
            #expect(refused.status == .badRequest)
            #expect(refused.body["remote"] as? [String] == ["This field is required since a remote is not set on the repository."])
            let badRemote = try await client.call("/pulp/api/v3/remotes/python/python/", .post, json: #"{"name":"x","url":"http://127.0.0.1:9/simple/","policy":"lazy"}"#)
            #expect(badRemote.body["policy"] != nil)
        }
    }

    @Test("a task left unfinished by a process that is gone is failed at the next start, with a reason; a running process's is not; waiting tasks cancel, final ones do not")
    func interruptedTasks() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        // A task of a process that is gone (same host, a process id no process has), and one of
        // this process, which still runs (as another `serve` on the same data directory would).
        let gone = String(ProcessIdentity.current.split(separator: " ")[0]) + " 2147483646 1"
        let running = try await fixture.store.createTask(name: "pulp_python.app.tasks.sync.sync", worker: gone)
        #expect(try await fixture.store.startTask(id: running.id))
        let alive = try await fixture.store.createTask(name: "pulp_python.app.tasks.sync.sync")
        #expect(try await fixture.store.startTask(id: alive.id))
        let api = ManagementAPI(store: fixture.store, logger: .init(label: "test"))
        #expect(try await api.failInterruptedTasks() == 1)
        #expect(try await fixture.store.task(uuid: alive.uuid).state == .running)
        let waiting = try await fixture.store.createTask(name: "pulp_python.app.tasks.publish.publish")
        try await fixture.test { client in
            let failed = try await client.call("/pulp/api/v3/tasks/\(running.uuid)/").body
            #expect(failed["state"] as? String == "failed")
            #expect((failed["error"] as? [String: Any])?["description"] as? String == "The server stopped before the task finished; run it again.")
            #expect(failed["result"] is NSNull)
            let canceled = try await client.call("/pulp/api/v3/tasks/\(waiting.uuid)/", .patch, json: #"{"state":"canceled"}"#)
            #expect(canceled.body["state"] as? String == "canceled")
            let again = try await client.call("/pulp/api/v3/tasks/\(running.uuid)/", .patch, json: #"{"state":"canceled"}"#)
            #expect(again.status == .conflict)
            let listed = try await client.call("/pulp/api/v3/tasks/?state__in=failed,canceled")
            #expect(listed.body["count"] as? Int == 2)
            #expect(try await client.call("/pulp/api/v3/tasks/?state=skipped").status == .badRequest)
        }
    }
}
