import GRDB
public import PythonPackaging

/// What an orphan cleanup removed.
public struct OrphanCleanup: Sendable, Hashable {
    public var packages = 0
    public var files = 0
    public var bytes: Int64 = 0
}

extension ContentStore {
    /// Removes packages that no repository version holds and that were recorded before
    /// `cutoff`, then the stored files (and PEP 658 metadata files) no package names any more
    /// and that were not stored or touched since `cutoff` (Pulp's orphan protection time: a
    /// sync or an upload still running finds what it just recorded kept).
    public func removeOrphans(recordedBefore cutoff: Timestamp) async throws -> OrphanCleanup {
        try await write { [blobs] db in
            var cleanup = OrphanCleanup()
            let orphaned = """
                SELECT id, sha256, metadata_sha256 FROM package
                WHERE created_at < ? AND id NOT IN (SELECT package_id FROM repository_content)
                    AND id NOT IN (SELECT package_id FROM package_yank)
                """
            var candidates = Set<String>()
            var ids: [Int64] = []
            for row in try Row.fetchAll(db, sql: orphaned, arguments: [cutoff.microseconds]) {
                ids.append(row["id"])
                candidates.insert(row["sha256"])
                if let metadata: String = row["metadata_sha256"] { candidates.insert(metadata) }
            }
            for id in ids { try db.execute(sql: "DELETE FROM package WHERE id = ?", arguments: [id]) }
            cleanup.packages = ids.count
            // Files still named by a package (another filename for the same bytes, or a
            // metadata file shared by several) stay.
            for digest in candidates.sorted() {
                let named = try Row.fetchOne(
                    db, sql: "SELECT 1 FROM package WHERE sha256 = ?1 OR metadata_sha256 = ?1 LIMIT 1", arguments: [digest]) != nil
                guard !named, let sha256 = SHA256Digest(hex: digest) else { continue }
                // Removed within the transaction: an upload of the same bytes waits for it, and
                // touches the file first if it came earlier.
                if let size = blobs.remove(sha256: sha256, unchangedSince: cutoff) {
                    try db.execute(sql: "DELETE FROM artifact WHERE sha256 = ?", arguments: [digest])
                    cleanup.files += 1
                    cleanup.bytes += size
                }
            }
            return cleanup
        }
    }
}
