import Crypto
import Digests
import Foundation
import GRDB
public import PythonPackaging

/// An account as the management API shows it (Pulp's user).
public struct Account: Sendable, Hashable {
    public let id: Int64
    public let username: String
    public let profile: AccountProfile
    public let createdAt: Timestamp
}

/// What an account says about its person and may do: staff manage accounts; an inactive
/// account cannot sign in.
public struct AccountProfile: Sendable, Hashable {
    public var firstName = ""
    public var lastName = ""
    public var email = ""
    public var isStaff = false
    public var isActive = true

    public init(firstName: String = "", lastName: String = "", email: String = "", isStaff: Bool = false, isActive: Bool = true) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.isStaff = isStaff
        self.isActive = isActive
    }
}

/// Who a request signed in as. `uploadOnly` for the upload token user `__token__`, whether
/// the server's (`WHEELHOUSE_UPLOAD_TOKEN`) or an account's token.
public struct SignedIn: Sendable, Hashable {
    public let username: String
    public let isStaff: Bool
    public let uploadOnly: Bool
}

/// An account's token, as listed (the token itself is shown once, when made).
public struct AccountToken: Sendable, Hashable {
    public let id: Int64
    public let label: String
    public let createdAt: Timestamp
}

extension ContentStore {
    /// Checks a user name and password (or one of the account's tokens). `__token__` with the
    /// server's upload token, or with an account's token, signs in for uploads only. Inactive
    /// accounts and unknown names are refused alike. A success is remembered until the store
    /// next changes.
    public func signIn(username: String, password: String) async throws -> SignedIn? {
        let generation = try await generation()
        let key = FileDigests.of(Array("\(username)\u{0}\(password)".utf8)).sha256.hex
        if let known = signIns.withLock({ $0.generation == generation ? $0.entries[key] : nil }) { return known }
        guard let signedIn = try await checkSignIn(username: username, password: password) else { return nil }
        signIns.withLock { cache in
            if cache.generation != generation || cache.entries.count >= 1024 { cache = (generation, [:]) }
            cache.entries[key] = signedIn
        }
        return signedIn
    }

    private func checkSignIn(username: String, password: String) async throws -> SignedIn? {
        if username == "__token__" {
            if try await verify(username: username, password: password) { return SignedIn(username: username, isStaff: false, uploadOnly: true) }
            guard let owner = try await tokenOwner(password) else { return nil }
            return SignedIn(username: owner.username, isStaff: false, uploadOnly: true)
        }
        if password.hasPrefix(Self.tokenPrefix), let owner = try await tokenOwner(password), owner.username == username {
            return SignedIn(username: username, isStaff: owner.profile.isStaff, uploadOnly: false)
        }
        guard try await verify(username: username, password: password), let account = try await account(username: username),
            account.profile.isActive
        else { return nil }
        return SignedIn(username: username, isStaff: account.profile.isStaff, uploadOnly: false)
    }

    private func tokenOwner(_ token: String) async throws -> Account? {
        guard token.hasPrefix(Self.tokenPrefix) else { return nil }
        let digest = FileDigests.of(Array(token.utf8)).sha256.hex
        return try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT a.* FROM account_token t JOIN account a ON a.username = t.username WHERE t.digest = ? AND a.is_active = 1",
                arguments: [digest]
            ).map(Account.init(row:))
        }
    }

    /// Every account, by ID.
    public func accounts() async throws -> [Account] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY id").map(Account.init(row:)) }
    }

    public func account(id: Int64) async throws -> Account {
        try await read { db in Account(row: try Self.row(db, "SELECT * FROM account WHERE id = ?", id, missing: "No user \(id).")) }
    }

    public func account(username: String) async throws -> Account? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM account WHERE username = ?", arguments: [username]).map(Account.init(row:)) }
    }

    /// Makes an account. Without a password it cannot sign in with one (a random one is set,
    /// never shown), only with its tokens.
    public func createAccount(username: String, password: String?, profile: AccountProfile) async throws -> Account {
        try Account.check(username: username)
        if try await account(username: username) != nil { throw StoreError(.conflict, "The user '\(username)' exists already.") }
        try await setPassword(username: username, password: password ?? Self.generatePassword())
        return try await updateAccount(username: username, profile: profile)
    }

    /// Sets an account's profile (and, given, its new name); refused when it would leave no
    /// active staff account.
    @discardableResult
    public func updateAccount(username: String, renamedTo newName: String? = nil, profile: AccountProfile) async throws -> Account {
        if let newName { try Account.check(username: newName) }
        return try await write { db in
            let account = Account(row: try Self.row(db, "SELECT * FROM account WHERE username = ?", username, missing: "No user '\(username)'."))
            if let newName, newName != username,
                try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE username = ?", arguments: [newName]) != nil
            {
                throw StoreError(.conflict, "The user '\(newName)' exists already.")
            }
            try db.execute(
                sql: """
                    UPDATE account SET username = ?, first_name = ?, last_name = ?, email = ?, is_staff = ?, is_active = ? WHERE id = ?
                    """,
                arguments: [newName ?? username, profile.firstName, profile.lastName, profile.email, profile.isStaff, profile.isActive, account.id])
            try Self.checkStaffRemains(db)
            return Account(row: try Self.row(db, "SELECT * FROM account WHERE id = ?", account.id, missing: "No user \(account.id)."))
        }
    }

    /// Removes an account (and its tokens); refused for the last active staff account.
    public func deleteAccount(username: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM account WHERE username = ?", arguments: [username])
            try Self.checkStaffRemains(db)
        }
    }

    private static func checkStaffRemains(_ db: Database) throws {
        let staff = try Int.fetchOne(db, sql: "SELECT count(*) FROM account WHERE is_staff = 1 AND is_active = 1") ?? 0
        guard staff > 0 else {
            throw StoreError(.conflict, "At least one active staff account must remain (it manages the others); make another staff first.")
        }
    }

    /// Makes a token for an account: its text, shown once (only its sha256 is kept).
    public func createToken(username: String, label: String) async throws -> (token: AccountToken, text: String) {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let text = Self.tokenPrefix + String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let digest = FileDigests.of(Array(text.utf8)).sha256.hex
        let now = Timestamp.now()
        let id = try await write { db -> Int64 in
            _ = try Self.row(db, "SELECT 1 FROM account WHERE username = ?", username, missing: "No user '\(username)'.")
            try db.execute(
                sql: "INSERT INTO account_token (username, digest, label, created_at) VALUES (?, ?, ?, ?)",
                arguments: [username, digest, label, now.microseconds])
            return db.lastInsertedRowID
        }
        return (AccountToken(id: id, label: label, createdAt: now), text)
    }

    public func tokens(username: String) async throws -> [AccountToken] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, label, created_at FROM account_token WHERE username = ? ORDER BY id", arguments: [username]).map {
                AccountToken(id: $0["id"], label: $0["label"], createdAt: Timestamp(microseconds: $0["created_at"]))
            }
        }
    }

    /// Revokes one of an account's tokens: it signs in no more.
    public func revokeToken(username: String, id: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM account_token WHERE username = ? AND id = ?", arguments: [username, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "The user '\(username)' has no token \(id).") }
        }
    }

    /// What every token starts with, so that a token is told from a password at a glance.
    static let tokenPrefix = "wh_"
}

extension Account {
    /// User names are letters, digits and `@ . + - _`, at most 150 (as Django's); `__token__` is
    /// the upload token's.
    public static func check(username: String) throws {
        guard !username.isEmpty, username.count <= 150, username != "__token__",
            username.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "@.+-_".unicodeScalars.contains($0)) })
        else {
            throw StoreError(.invalid, "A user name is 1 to 150 letters, digits and @ . + - _ (and not __token__, the upload token's).")
        }
    }

    init(row: Row) {
        self.init(
            id: row["id"], username: row["username"],
            profile: AccountProfile(
                firstName: row["first_name"], lastName: row["last_name"], email: row["email"], isStaff: row["is_staff"], isActive: row["is_active"]),
            createdAt: Timestamp(microseconds: row["created_at"]))
    }
}
