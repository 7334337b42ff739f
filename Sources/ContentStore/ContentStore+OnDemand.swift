import GRDB
import PythonPackaging

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
    /// after it is complete.
    public func keep(_ blob: WrittenBlob, for package: Package) async throws {
        try await blobs.commit(blob, expectedSHA256: package.sha256, expectedSize: package.size)
        let digests = blob.digests
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO artifact (sha256, size, md5, blake2b_256, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [digests.sha256, digests.size, digests.md5, digests.blake2b256, Timestamp.now().microseconds])
            try db.execute(
                sql: "UPDATE package SET md5 = coalesce(md5, ?), blake2b_256 = coalesce(blake2b_256, ?) WHERE id = ?",
                arguments: [digests.md5, digests.blake2b256, package.id])
        }
    }

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
