import PythonPackaging
import Crypto
import CryptoExtras
import Digests
import Foundation
import GRDB
import NIOPosix

/// Accounts that may upload, with passwords stored as PBKDF2-SHA256 hashes.
extension ContentStore {
    /// The rounds used for new password hashes (OWASP's figure for PBKDF2-SHA256).
    static let passwordRounds = 600_000

    /// Makes sure the `admin` account exists. Given a password (from `WHEELHOUSE_ADMIN_PASSWORD`)
    /// it is set; without one a random password is generated for a new account and returned so
    /// that it can be shown once. Returns nil when nothing new needs showing.
    public func ensureAdmin(password: String?) async throws -> String? {
        if let password {
            try await setPassword(username: "admin", password: password)
            return nil
        }
        let exists = try await read { db in try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE username = 'admin'") != nil }
        guard !exists else { return nil }
        let generated = Self.generatePassword()
        try await setPassword(username: "admin", password: generated)
        return generated
    }

    /// Creates the account or replaces its password.
    public func setPassword(username: String, password: String) async throws {
        guard !username.isEmpty, !password.isEmpty else { throw StoreError(.invalid, "a username and a password are both needed") }
        if try await verify(username: username, password: password) { return }
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let hash = try await hash(password: password, salt: salt, rounds: Self.passwordRounds)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO account (id, username, password_hash, salt, iterations, created_at, is_staff)
                    VALUES ((SELECT coalesce(max(id), 0) + 1 FROM account), ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, salt = excluded.salt,
                        iterations = excluded.iterations
                    """,
                arguments: [username, hash, Hex.encode(salt), Self.passwordRounds, Timestamp.now().microseconds, username == "admin"])
        }
    }

    /// A new random password, for an account made without one.
    public static func newPassword() -> String { generatePassword() }

    /// Removes the upload token account (`__token__`) or another that is not staff, unchecked.
    public func removeAccount(username: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM account WHERE username = ?", arguments: [username]) }
    }

    /// Whether the password is the account's. A password once verified is remembered (as a
    /// digest, beside the stored hash it matched) so that later requests skip the deliberately
    /// slow hash until the account's password changes.
    public func verify(username: String, password: String) async throws -> Bool {
        let stored = try await read { db -> (hash: String, salt: String, rounds: Int)? in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT password_hash, salt, iterations FROM account WHERE username = ?", arguments: [username])
            else { return nil }
            return (row["password_hash"], row["salt"], row["iterations"])
        }
        guard let stored else {
            // An unknown user takes as long to refuse as a wrong password: the time taken must
            // not tell which user names exist.
            _ = try await hash(password: password, salt: Self.unknownUserSalt, rounds: Self.passwordRounds)
            return false
        }
        let remembered = Hex.encode(SHA256.hash(data: Array("\(username)\u{0}\(password)\u{0}\(stored.hash)".utf8)))
        if verifiedCredentials.withLock({ $0.contains(remembered) }) { return true }
        let expected = stored.hash
        let actual = try await hash(password: password, salt: Self.bytes(fromHex: stored.salt), rounds: stored.rounds)
        // Constant-time comparison of the two hex digests.
        let matches = expected.utf8.count == actual.utf8.count && zip(expected.utf8, actual.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        if matches { verifiedCredentials.withLock { _ = $0.insert(remembered) } }
        return matches
    }

    /// A thread of its own for password hashing: a flood of wrong passwords queues here and
    /// never holds the threads that file I/O and archive checks run on.
    private static let hashingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// Hashes queued or running at most (each takes about a quarter of a second): past it a
    /// sign-in is refused at once as busy, so that a sign-in never waits behind more.
    static let maximumPendingHashes = 4
    private static let unknownUserSalt = (0..<16).map { _ in UInt8.random(in: 0...255) }

    /// PBKDF2 is slow on purpose, so it runs on its own thread, not on an event loop.
    func hash(password: String, salt: [UInt8], rounds: Int) async throws -> String {
        guard pendingHashes.add(1, ordering: .relaxed).newValue <= Self.maximumPendingHashes else {
            pendingHashes.subtract(1, ordering: .relaxed)
            throw StoreError(.busy, "Too many sign-ins are being checked at once; try again in a moment.")
        }
        defer { pendingHashes.subtract(1, ordering: .relaxed) }
        return try await Self.hashingPool.runIfActive {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
            return key.withUnsafeBytes { Hex.encode($0) }
        }
    }

    static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    private static func bytes(fromHex text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) ?? 0)
        }
        return bytes
    }
}
