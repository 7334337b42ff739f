@testable import ContentStore
import Testing

@Suite("Accounts: staff, active, tokens")
struct AccountTests {
    @Test("a token signs in as its account (in place of the password), or as __token__ for uploads only; revoked, it signs in no more")
    func tokens() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.ensureAdmin(password: "admin-secret")
        _ = try await store.createAccount(username: "alice", password: "alice-secret", profile: AccountProfile(email: "alice@example.com"))
        let (token, text) = try await store.createToken(username: "alice", label: "ci")
        #expect(text.hasPrefix("wh_") && text.count == 43)

        #expect(try await store.signIn(username: "alice", password: "alice-secret") == SignedIn(username: "alice", isStaff: false, uploadOnly: false))
        #expect(try await store.signIn(username: "alice", password: text) == SignedIn(username: "alice", isStaff: false, uploadOnly: false))
        #expect(try await store.signIn(username: "__token__", password: text) == SignedIn(username: "alice", isStaff: false, uploadOnly: true))
        #expect(try await store.signIn(username: "admin", password: text) == nil, "a token signs in only as its own account")
        #expect(try await store.signIn(username: "admin", password: "admin-secret")?.isStaff == true)
        #expect(try await store.tokens(username: "alice").map(\.label) == ["ci"])

        try await store.revokeToken(username: "alice", id: token.id)
        #expect(try await store.signIn(username: "__token__", password: text) == nil)
        #expect(try await store.signIn(username: "alice", password: text) == nil)
        await #expect(throws: StoreError.self) { try await store.revokeToken(username: "alice", id: token.id) }
    }

    @Test("an inactive account cannot sign in, by password or token; the last active staff account cannot go")
    func inactiveAndStaff() async throws {
        let fixture = try await StoreFixture.make()
        defer { fixture.remove() }
        let store = fixture.store
        _ = try await store.ensureAdmin(password: "admin-secret")
        _ = try await store.createAccount(username: "bob", password: "bob-secret", profile: AccountProfile())
        let (_, text) = try await store.createToken(username: "bob", label: "")
        try await store.updateAccount(username: "bob", profile: AccountProfile(isActive: false))
        #expect(try await store.signIn(username: "bob", password: "bob-secret") == nil)
        #expect(try await store.signIn(username: "bob", password: text) == nil)
        #expect(try await store.signIn(username: "__token__", password: text) == nil)

        await #expect(throws: StoreError.self) { try await store.deleteAccount(username: "admin") }
        await #expect(throws: StoreError.self) { try await store.updateAccount(username: "admin", profile: AccountProfile(isStaff: false)) }
        try await store.updateAccount(username: "bob", renamedTo: "robert", profile: AccountProfile(isStaff: true))
        try await store.deleteAccount(username: "admin")
        #expect(try await store.accounts().map(\.username) == ["robert"])
        #expect(try await store.signIn(username: "robert", password: text)?.isStaff == true, "tokens follow a renamed account")
        await #expect(throws: StoreError.self) { try await store.createAccount(username: "__token__", password: nil, profile: AccountProfile()) }
        await #expect(throws: StoreError.self) { try await store.createAccount(username: "robert", password: nil, profile: AccountProfile()) }
    }
}
