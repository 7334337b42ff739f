import ContentStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Reads answered from the cache until the store changes")
struct ResponseCacheTests {
    @Test("a list reflects every write at once, the API's or another process's; an account that is not staff never gets a staff answer")
    func neverStale() async throws {
        let fixture = try await ManagementFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.store.createAccount(username: "grace", password: "grace-secret", profile: AccountProfile())
        try await fixture.test { client in
            let list = "/pulp/api/v3/repositories/python/python/"
            let first = try await client.call(list)
            let count = try #require(first.body["count"] as? Int)
            #expect(String(buffer: try await client.call(list).response.body) == String(buffer: first.response.body))
            _ = try await client.call(list, .post, json: #"{"name":"second"}"#)
            #expect(try await client.call(list).body["count"] as? Int == count + 1)
            _ = try await fixture.store.createRepository(name: "third", description: nil, retainRepoVersions: nil)
            #expect(try await client.call(list).body["count"] as? Int == count + 2)

            #expect(try await client.call("/pulp/api/v3/users/").status == .ok)
            let grace = [HTTPField.Name.authorization: "Basic " + Data("grace:grace-secret".utf8).base64EncodedString()]
            #expect(try await client.call("/pulp/api/v3/users/", headers: HTTPFields(grace.map { HTTPField(name: $0.key, value: $0.value) })).status == .forbidden)
        }
    }
}
