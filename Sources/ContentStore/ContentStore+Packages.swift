public import Digests
import GRDB
public import PythonPackaging

/// A package to record: its file's identity and its metadata.
public struct NewPackage: Sendable, Hashable {
    public var filename: String
    public var sha256: SHA256Digest
    public var size: Int64
    public var md5: String?
    public var blake2b256: String?
    public var name: String
    public var version: String
    public var packageType: String
    public var pythonVersion: String
    public var requiresPython: String?
    /// The core metadata as Warehouse `info` members, rendered JSON.
    public var metadataJSON: String
    public var metadataSHA256: SHA256Digest?
    public var uploadTime: Timestamp
    public var upstreamURL: String?
    /// For on-demand content: keep the file once fetched (false: pass it on only, "streamed").
    public var keepFetched: Bool

    public init(
        filename: String, sha256: SHA256Digest, size: Int64, md5: String?, blake2b256: String?, name: String, version: String,
        packageType: String, pythonVersion: String, requiresPython: String?, metadataJSON: String, metadataSHA256: SHA256Digest?,
        uploadTime: Timestamp, upstreamURL: String? = nil, keepFetched: Bool = true
    ) {
        self.filename = filename
        self.sha256 = sha256
        self.size = size
        self.md5 = md5
        self.blake2b256 = blake2b256
        self.name = name
        self.version = version
        self.packageType = packageType
        self.pythonVersion = pythonVersion
        self.requiresPython = requiresPython
        self.metadataJSON = metadataJSON
        self.metadataSHA256 = metadataSHA256
        self.uploadTime = uploadTime
        self.upstreamURL = upstreamURL
        self.keepFetched = keepFetched
    }
}

extension ContentStore {
    /// Records a package (or returns the one already recorded with the same filename and
    /// bytes). When the file itself is stored, `artifact` records its digests.
    public func record(_ new: NewPackage, artifact: FileDigests? = nil) async throws -> Package {
        try await write { db in try Self.record(db, new, artifact: artifact) }
    }

    /// Records packages whose files are not stored (on-demand content), in one transaction.
    public func record(_ news: [NewPackage]) async throws -> [Package] {
        try await write { db in try news.map { try Self.record(db, $0, artifact: nil) } }
    }

    private static func record(_ db: Database, _ new: NewPackage, artifact: FileDigests?) throws -> Package {
        if let artifact {
            try db.execute(
                sql: "INSERT OR IGNORE INTO artifact (sha256, size, md5, blake2b_256, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [artifact.sha256, artifact.size, artifact.md5, artifact.blake2b256, Timestamp.now().microseconds])
        }
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM package WHERE filename = ? AND sha256 = ?"), arguments: [new.filename, new.sha256])
        {
            var existing = Package(row: row)
            // A package first recorded lazily gains its digests once the file is stored.
            if let artifact, existing.md5 == nil || existing.blake2b256 == nil {
                try db.execute(
                    sql: "UPDATE package SET md5 = ?, blake2b_256 = ? WHERE id = ?", arguments: [artifact.md5, artifact.blake2b256, existing.id])
                existing = Package(row: try packageRow(db, id: existing.id))
            }
            // Content one repository streams is kept once another records it on demand.
            if new.keepFetched, !existing.keepFetched {
                try db.execute(sql: "UPDATE package SET keep_fetched = 1 WHERE id = ?", arguments: [existing.id])
                existing = Package(row: try packageRow(db, id: existing.id))
            }
            // Bytes not yet stored are fetched from where upstream serves them now (it may have
            // moved host or CDN since they were first recorded).
            if let url = new.upstreamURL, let recorded = existing.upstreamURL, recorded != url {
                try db.execute(sql: "UPDATE package SET upstream_url = ? WHERE id = ?", arguments: [url, existing.id])
                existing = Package(row: try packageRow(db, id: existing.id))
            }
            return existing
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO package (uuid, filename, sha256, size, md5, blake2b_256, name, name_normalized, version,
                    packagetype, python_version, requires_python, metadata, metadata_sha256, upload_time, upstream_url, created_at,
                    keep_fetched)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                makeUUID(), new.filename, new.sha256, new.size, new.md5 ?? artifact?.md5, new.blake2b256 ?? artifact?.blake2b256,
                new.name, ProjectName.normalize(new.name), new.version, new.packageType, new.pythonVersion,
                new.requiresPython, new.metadataJSON, new.metadataSHA256, new.uploadTime.microseconds, new.upstreamURL,
                Timestamp.now().microseconds, new.keepFetched,
            ])
        return Package(row: try packageRow(db, id: db.lastInsertedRowID))
    }
}

extension ContentStore {
    /// Every recorded package with this filename (normally one; a filename can have several
    /// byte versions across repositories).
    public func packages(filename: String) async throws -> [Package] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM package WHERE filename = ? ORDER BY id", arguments: [filename]).map(Package.init(row:))
        }
    }

    /// The package with this filename and sha256 whose bytes are in the store, if any (a
    /// package recorded on demand has none until it is fetched).
    public func storedPackage(filename: String, sha256: SHA256Digest) async throws -> Package? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT p.* FROM package p JOIN artifact a ON a.sha256 = p.sha256 WHERE p.filename = ? AND p.sha256 = ? ORDER BY p.id LIMIT 1",
                arguments: [filename, sha256]
            ).map(Package.init(row:))
        }
    }
}
