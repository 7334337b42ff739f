import GRDB
public import PythonPackaging
import _NIOFileSystem

extension ContentStore {
    /// Points packages recorded from upstream at where upstream serves their files now (it may
    /// have moved host or CDN); writes only when a location changed.
    public func relocate(_ locations: [Int64: String]) async throws {
        guard !locations.isEmpty else { return }
        let ids = JSONValue.array(locations.keys.sorted().map { .integer($0) }).rendered
        let moved = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, upstream_url FROM package WHERE upstream_url IS NOT NULL AND id IN (SELECT value FROM json_each(?))",
                arguments: [ids]
            ).compactMap { row -> (Int64, String)? in
                let id: Int64 = row["id"]
                let url: String = row["upstream_url"]
                return locations[id].flatMap { $0 == url ? nil : (id, $0) }
            }
        }
        guard !moved.isEmpty else { return }
        try await write { db in
            for (id, url) in moved { try db.execute(sql: "UPDATE package SET upstream_url = ? WHERE id = ?", arguments: [url, id]) }
        }
    }
    /// Of these packages, the ones whose files are not stored (recorded on demand, not yet fetched).
    public func packagesWithoutFiles(ids: [Int64]) async throws -> [Package] {
        guard !ids.isEmpty else { return [] }
        let list = JSONValue.array(ids.map(JSONValue.integer)).rendered
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM package WHERE id IN (SELECT value FROM json_each(?))
                        AND NOT EXISTS (SELECT 1 FROM artifact WHERE artifact.sha256 = package.sha256)
                    """,
                arguments: [list]
            ).map(Package.init(row:))
        }
    }

    /// Keeps the bytes of a package first recorded without them (on-demand content), once
    /// they are verified against the package's sha256 and size. Readers see the file only
    /// after it is complete. What the file teaches that was not recorded is kept too: its
    /// METADATA (for the JSON API) and, when the upstream declared none, the PEP 658 metadata
    /// file and its hash, which the distributions serving it then offer (a journal entry, so
    /// that mirrors of this index read the page again).
    public func keep(_ blob: WrittenBlob, for package: Package) async throws {
        try await blobs.commit(blob, expectedSHA256: package.sha256, expectedSize: package.size)
        let digests = blob.digests
        let learned = try await learn(from: blobs.path(for: package.sha256), package: package)
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO artifact (sha256, size, md5, blake2b_256, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [digests.sha256, digests.size, digests.md5, digests.blake2b256, Timestamp.now().microseconds])
            try db.execute(
                sql: "UPDATE package SET md5 = coalesce(md5, ?), blake2b_256 = coalesce(blake2b_256, ?) WHERE id = ?",
                arguments: [digests.md5, digests.blake2b256, package.id])
            guard let learned else { return }
            try db.execute(
                sql: "UPDATE package SET metadata = ? WHERE id = ? AND json_extract(metadata, '$.metadata_version') IS NULL",
                arguments: [learned.metadataJSON, package.id])
            if let hash = learned.metadataSHA256 { try Self.learnMetadataHashes(db, [package.id: hash]) }
        }
    }

    /// The metadata a kept file holds, when the package's was not known; nil when it was, or
    /// when the file cannot be read (it matched its recorded sha256, so it is kept regardless).
    private func learn(from path: FilePath, package: Package) async throws -> (metadataJSON: String, metadataSHA256: SHA256Digest?)? {
        let unknown = try await read { db in
            try Bool.fetchOne(
                db, sql: "SELECT metadata_sha256 IS NULL OR json_extract(metadata, '$.metadata_version') IS NULL FROM package WHERE id = ?",
                arguments: [package.id]) ?? false
        }
        guard unknown, let inspected = try? await Self.inspect(path, filename: package.filename, strict: false, limits: .default) else {
            return nil
        }
        return (JSONValue.object(inspected.metadata.warehouseInfoMembers).rendered, try await storeServedMetadata(of: inspected))
    }

    /// Records PEP 658 metadata hashes of packages that had none (an upstream's page declares
    /// them now), with a journal entry in each distribution that serves the package.
    public func learnMetadataHashes(_ hashes: [Int64: SHA256Digest]) async throws {
        guard !hashes.isEmpty else { return }
        let unknown = try await read { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM package WHERE metadata_sha256 IS NULL AND id IN (SELECT value FROM json_each(?))",
                arguments: [JSONValue.array(hashes.keys.map { .integer($0) }).rendered])
        }
        guard !unknown.isEmpty else { return }
        try await write { db in try Self.learnMetadataHashes(db, hashes.filter { unknown.contains($0.key) }) }
    }

    private static func learnMetadataHashes(_ db: Database, _ hashes: [Int64: SHA256Digest]) throws {
        for (packageID, hash) in hashes.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "UPDATE package SET metadata_sha256 = ? WHERE id = ? AND metadata_sha256 IS NULL", arguments: [hash, packageID])
            guard db.changesCount == 1, let package = try Row.fetchOne(db, sql: "SELECT * FROM package WHERE id = ?", arguments: [packageID])
            else { continue }
            for distribution in try Int64.fetchAll(db, sql: Self.distributionsServing, arguments: [packageID]) {
                try appendJournal(db, distributionID: distribution, events: [JournalEvent(package: package, action: .metadata)])
            }
        }
    }

    /// The distributions whose content holds a package (`?1`): a repository's latest version,
    /// a version, or a publication's version.
    private static let distributionsServing = """
        SELECT d.id FROM distribution d
        LEFT JOIN repository r ON r.id = d.repository_id
        LEFT JOIN publication p ON p.id = d.publication_id
        LEFT JOIN repository_version v ON v.id = coalesce(d.repository_version_id, p.repository_version_id)
        WHERE EXISTS (
            SELECT 1 FROM repository_content rc WHERE rc.package_id = ?1 AND rc.repository_id = coalesce(r.id, v.repository_id)
                AND rc.version_added <= coalesce(r.latest_version, v.number)
                AND (rc.version_removed IS NULL OR rc.version_removed > coalesce(r.latest_version, v.number)))
        """

    /// Keeps the PEP 658 metadata of on-demand content, fetched on first request and checked
    /// against the recorded `metadataSHA256`, and fills in the package's metadata from it.
    public func keepMetadata(_ bytes: [UInt8], metadataJSON: String, for package: Package) async throws {
        let stored = try await storeBytes(bytes)
        guard stored.sha256 == package.metadataSHA256 else {
            throw StoreError(.digestMismatch, "the metadata of \(package.filename) has sha256 \(stored.sha256), not the \(package.metadataSHA256.map(\.hex) ?? "none") recorded")
        }
        try await write { db in
            try db.execute(sql: "UPDATE package SET metadata = ? WHERE id = ?", arguments: [metadataJSON, package.id])
        }
    }
}
