import ContentStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("users/: staff manage accounts; tokens sign in")
struct UserTests {
    static func basic(_ username: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(username):\(password)".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    @Test("staff create, find by username, update and delete users; the last staff account stays")
    func crud() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        try await fixture.test { client in
            let created = try await client.call(
                "/pulp/api/v3/users/", .post, json: #"{"username":"carol","password":"carol-secret","email":"carol@example.com"}"#)
            #expect(created.status == .created, "\(created.body)")
            let href = try #require(created.body["pulp_href"] as? String)
            #expect(href.hasPrefix("/pulp/api/v3/users/") && created.body["prn"] as? String == "prn:auth.user:\(created.body["id"] ?? "")")
            #expect(created.body["is_staff"] as? Bool == false && created.body["is_active"] as? Bool == true && created.body["password"] == nil)
            let duplicate = try await client.call("/pulp/api/v3/users/", .post, json: #"{"username":"carol"}"#)
            #expect(duplicate.status == .badRequest && duplicate.body["username"] != nil)
            let short = try await client.call("/pulp/api/v3/users/", .post, json: #"{"username":"dave","password":"short"}"#)
            #expect(short.status == .badRequest && short.body["password"] != nil)

            let found = try await client.call("/pulp/api/v3/users/?username=carol").body
            #expect(found["count"] as? Int == 1)
            let updated = try await client.call(href, .patch, json: #"{"first_name":"Carol","is_staff":true}"#)
            #expect(updated.status == .ok && updated.body["first_name"] as? String == "Carol" && updated.body["is_staff"] as? Bool == true)
            #expect(try await client.call(href, headers: Self.basic("carol", "carol-secret")).status == .ok, "carol is staff now")

            let admin = try #require((try await client.call("/pulp/api/v3/users/?username=admin").body["results"] as? [[String: Any]])?.first)
            let adminHref = try #require(admin["pulp_href"] as? String)
            #expect(try await client.call(href, .delete).status == .noContent)
            let lastStaff = try await client.call(adminHref, .delete)
            #expect(lastStaff.status == .badRequest, "\(lastStaff.body)")
            #expect(try await client.call("/pulp/api/v3/users/999/").status == .notFound)
        }
    }

    @Test("an account that is not staff manages content but not users (403); its token signs in for it; as __token__, uploads only")
    func permissionsAndTokens() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.store.createAccount(username: "erin", password: "erin-secret", profile: AccountProfile())
        let (_, token) = try await fixture.store.createToken(username: "erin", label: "pulp-cli")
        try await fixture.test { client in
            let erin = Self.basic("erin", "erin-secret")
            #expect(try await client.call("/pulp/api/v3/repositories/python/python/", headers: erin).status == .ok)
            let refused = try await client.call("/pulp/api/v3/users/", headers: erin)
            #expect(refused.status == .forbidden)
            #expect((refused.body["detail"] as? String)?.contains("only staff") == true)
            #expect(try await client.call("/pulp/api/v3/users/", .post, json: #"{"username":"x"}"#, headers: erin).status == .forbidden)
            #expect(try await client.call("/pulp/api/v3/repositories/python/python/", headers: Self.basic("erin", token)).status == .ok)
            #expect(try await client.call("/pulp/api/v3/repositories/python/python/", headers: Self.basic("__token__", token)).status == .forbidden)
            #expect(try await client.call("/pulp/api/v3/repositories/python/python/", headers: Self.basic("admin", token)).status == .unauthorized)
        }
    }
}
