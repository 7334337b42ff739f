public import PythonPackaging
import Foundation
import Glibc
import GRDB
import Synchronization
public import Logging
public import _NIOFileSystem

/// Wheelhouse's storage: an SQLite database (one file in the data directory, WAL, migrations,
/// foreign keys) and the content-addressed blob store beside it.
///
/// Any number of processes may open the same data directory: SQLite serializes their writes
/// (one writer at a time, waiting up to `busyTimeout`), and every write raises a generation
/// number that readers poll to notice changes made elsewhere.
public final class ContentStore: Sendable {
    public let blobs: BlobStore
    let database: DatabasePool
    let logger: Logger
    /// Digests of credentials already verified (see `verify(username:password:)`).
    let verifiedCredentials = Mutex<Set<String>>([])
    /// Sign-ins that succeeded, by a digest of the credentials, while the store's generation
    /// stays the one they were checked at (any change to accounts moves it).
    let signIns = Mutex<(generation: Int64, entries: [String: SignedIn])>((-1, [:]))
    /// Password hashes queued or running (see `maximumPendingHashes`).
    let pendingHashes = Atomic<Int>(0)

    /// The database file inside the data directory.
    public static let databaseFilename = "wheelhouse.sqlite"

    /// Opens (creating and migrating if needed) the store in `directory`. The long-running
    /// process (`serve`) passes `removingInterruptedWrites` to delete what a crash left in
    /// `tmp/`; short commands do not, since another process may be writing there.
    public static func open(directory: FilePath, logger: Logger, removingInterruptedWrites: Bool = false) async throws -> ContentStore {
        try await FileSystem.shared.createDirectory(at: directory, withIntermediateDirectories: true, permissions: .ownerReadWriteExecute)
        try restrictAccess(to: directory, logger: logger)
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
        }
        let database = try DatabasePool(path: directory.appending(databaseFilename).string, configuration: configuration)
        try migrate(database, lockingIn: directory)
        let blobs = BlobStore(root: directory)
        try await blobs.prepare(removingInterruptedWrites: removingInterruptedWrites, logger: logger)
        return ContentStore(blobs: blobs, database: database, logger: logger)
    }

    /// The database holds remote credentials and password hashes. A new database file is
    /// created readable by its owner only (SQLite gives the `-wal` and `-shm` files the
    /// database file's mode, so it is created with that mode before SQLite opens it); an
    /// existing one that every user can read loses that (its group's access, which an
    /// operator may have given on purpose, stays). A data directory that others can enter
    /// is reported, not changed.
    private static func restrictAccess(to directory: FilePath, logger: Logger) throws {
        let database = directory.appending(databaseFilename).string
        var info = stat()
        if stat(database, &info) != 0 {
            let descriptor = Glibc.open(database, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if descriptor >= 0 { Glibc.close(descriptor) }
        }
        for suffix in ["", "-wal", "-shm"] where stat(database + suffix, &info) == 0 && info.st_uid == getuid() && info.st_mode & 0o007 != 0 {
            _ = chmod(database + suffix, info.st_mode & 0o770)
        }
        if stat(directory.string, &info) == 0, info.st_mode & 0o077 != 0 {
            logger.warning(
                "the data directory can be read by other users, and its database holds remote credentials; run chmod 700 on it",
                metadata: ["store.directory": "\(directory)"])
        }
    }

    /// Runs the schema migrations holding an exclusive lock on `migrate.lock`: GRDB's migrator
    /// guards one process only, and two processes starting together on one data directory
    /// after an upgrade (a server and a cron sync) must not apply the same migration twice.
    private static func migrate(_ database: DatabasePool, lockingIn directory: FilePath) throws {
        let path = directory.appending("migrate.lock").string
        let descriptor = Glibc.open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError(.io, "cannot open \(path) (errno \(errno)); check the data directory's permissions") }
        defer { Glibc.close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw StoreError(.io, "cannot lock \(path) (errno \(errno))") }
        defer { flock(descriptor, LOCK_UN) }
        try Schema.migrator.migrate(database)
    }

    private init(blobs: BlobStore, database: DatabasePool, logger: Logger) {
        self.blobs = blobs
        self.database = database
        self.logger = logger
    }

    /// A number that rises with every committed write, from this process or another.
    public func generation() async throws -> Int64 {
        try await database.read { db in try Int64.fetchOne(db, sql: "SELECT generation FROM store_state") ?? 0 }
    }

    /// Runs `body` in one write transaction and raises the generation.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write { db in
            let result = try body(db)
            try db.execute(sql: "UPDATE store_state SET generation = generation + 1")
            return result
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }
}

extension Timestamp {
    /// The current time.
    public static func now() -> Timestamp { Timestamp(secondsSince1970: Date().timeIntervalSince1970) }
}

/// A random UUID, as Pulp gives every object one.
func makeUUID() -> String { UUID().uuidString.lowercased() }
