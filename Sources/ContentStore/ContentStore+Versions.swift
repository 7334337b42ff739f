import GRDB
public import PythonPackaging

extension ContentStore {
    /// Applies `changes` as a new version of the repository, in one transaction, and records
    /// what every distribution following the repository now shows differently. Returns nil
    /// (and makes no version) when nothing would change.
    ///
    /// A filename keeps its bytes forever within a repository: adding a different file under
    /// a filename the repository has ever held throws a conflict starting "File already exists".
    @discardableResult
    public func modify(repositoryID: Int64, changes: ContentChanges) async throws -> RepositoryVersion? {
        try await write { db in try Self.modify(db, repositoryID: repositoryID, changes: changes) }
    }

    static func modify(_ db: Database, repositoryID: Int64, changes: ContentChanges) throws -> RepositoryVersion? {
        let repository = try repository(db, id: repositoryID)
        let next = repository.latestVersion + 1
        var events: [JournalEvent] = []
        for id in Set(changes.remove) {
            try db.execute(
                sql: "UPDATE repository_content SET version_removed = ? WHERE repository_id = ? AND package_id = ? AND version_removed IS NULL",
                arguments: [next, repositoryID, id])
            guard db.changesCount > 0 else { continue }
            try closeYank(db, repositoryID: repositoryID, packageID: id, at: next)
            events.append(JournalEvent(package: try packageRow(db, id: id), action: .remove))
        }
        let insertContent = try db.cachedStatement(sql: "INSERT INTO repository_content (repository_id, package_id, version_added) VALUES (?, ?, ?)")
        for id in orderedUnique(changes.add) {
            let package = try packageRow(db, id: id)
            try claimFilename(db, repositoryID: repositoryID, package: package)
            if try isPresent(db, repositoryID: repositoryID, packageID: id) { continue }
            try insertContent.execute(arguments: [repositoryID, id, next])
            events.append(JournalEvent(package: package, action: .add))
        }
        for (id, reason) in changes.yank.sorted(by: { $0.key < $1.key }) {
            guard try isPresent(db, repositoryID: repositoryID, packageID: id) else {
                throw StoreError(.invalid, "package \(id) is not in repository '\(repository.name)', so it cannot be yanked")
            }
            let current = try Row.fetchOne(
                db, sql: "SELECT reason FROM package_yank WHERE repository_id = ? AND package_id = ? AND version_removed IS NULL",
                arguments: [repositoryID, id])
            if let current, (current["reason"] as String?) == reason { continue }
            try closeYank(db, repositoryID: repositoryID, packageID: id, at: next)
            try db.execute(
                sql: "INSERT INTO package_yank (repository_id, package_id, reason, version_added) VALUES (?, ?, ?, ?)",
                arguments: [repositoryID, id, reason, next])
            events.append(JournalEvent(package: try packageRow(db, id: id), action: .yank))
        }
        for id in Set(changes.unyank) where try closeYank(db, repositoryID: repositoryID, packageID: id, at: next) {
            events.append(JournalEvent(package: try packageRow(db, id: id), action: .unyank))
        }
        for (project, change) in changes.status.sorted(by: { $0.key < $1.key }) {
            if try applyStatus(db, repositoryID: repositoryID, project: project, change: change, at: next) {
                events.append(JournalEvent(project: project, version: nil, filename: nil, action: .status))
            }
        }
        guard !events.isEmpty else { return nil }
        let now = Timestamp.now().microseconds
        try db.execute(
            sql: "INSERT INTO repository_version (uuid, repository_id, number, created_at) VALUES (?, ?, ?, ?)",
            arguments: [makeUUID(), repositoryID, next, now])
        let version = RepositoryVersion(row: try Row.fetchOne(db, sql: "SELECT * FROM repository_version WHERE id = ?", arguments: [db.lastInsertedRowID])!)
        try db.execute(sql: "UPDATE repository SET latest_version = ? WHERE id = ?", arguments: [next, repositoryID])
        let followers = try Int64.fetchAll(db, sql: "SELECT id FROM distribution WHERE repository_id = ?", arguments: [repositoryID])
        for distribution in followers { try appendJournal(db, distributionID: distribution, events: events) }
        if let retain = repository.retainRepoVersions { try applyRetention(db, repositoryID: repositoryID, keep: retain, latest: next) }
        return version
    }

    /// Records that `package`'s filename belongs to its bytes in this repository, or throws if
    /// the filename was used before with other bytes.
    private static func claimFilename(_ db: Database, repositoryID: Int64, package: Row) throws {
        let filename: String = package["filename"]
        let sha256: SHA256Digest = package["sha256"]
        guard try !checkFilename(db, repositoryID: repositoryID, filename: filename, sha256: sha256) else { return }
        try db.cachedStatement(sql: "INSERT INTO repository_filename (repository_id, filename, sha256) VALUES (?, ?, ?)")
            .execute(arguments: [repositoryID, filename, sha256])
    }

    /// The sha256 each of `filenames` was held with in the repository, at any version; those it
    /// never held are absent.
    public func filenameClaims(repositoryID: Int64, filenames: Set<String>) async throws -> [String: SHA256Digest] {
        guard !filenames.isEmpty else { return [:] }
        let names = JSONValue.array(filenames.sorted().map(JSONValue.string)).rendered
        return try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT filename, sha256 FROM repository_filename WHERE repository_id = ? AND filename IN (SELECT value FROM json_each(?))",
                arguments: [repositoryID, names])
            return Dictionary(rows.map { ($0["filename"], $0["sha256"]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Whether the repository has held `filename` (with these bytes); throws a conflict if it
    /// held it with other bytes.
    @discardableResult
    static func checkFilename(_ db: Database, repositoryID: Int64, filename: String, sha256: SHA256Digest) throws -> Bool {
        guard let existing = try SHA256Digest.fetchOne(
            db.cachedStatement(sql: "SELECT sha256 FROM repository_filename WHERE repository_id = ? AND filename = ?"), arguments: [repositoryID, filename])
        else { return false }
        guard existing == sha256 else {
            throw StoreError(
                .conflict,
                "File already exists: '\(filename)' was added to this repository before with other contents (sha256 \(existing)); a filename is never reused, so upload the new build under a new version or build tag")
        }
        return true
    }

    static func isPresent(_ db: Database, repositoryID: Int64, packageID: Int64) throws -> Bool {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM repository_content WHERE repository_id = ? AND package_id = ? AND version_removed IS NULL"),
            arguments: [repositoryID, packageID]) != nil
    }

    /// Ends an open yank; whether there was one.
    @discardableResult
    private static func closeYank(_ db: Database, repositoryID: Int64, packageID: Int64, at version: Int) throws -> Bool {
        // A yank opened in this very version is dropped rather than closed on itself.
        try db.execute(
            sql: "DELETE FROM package_yank WHERE repository_id = ? AND package_id = ? AND version_added = ? AND version_removed IS NULL",
            arguments: [repositoryID, packageID, version])
        let dropped = db.changesCount > 0
        try db.execute(
            sql: "UPDATE package_yank SET version_removed = ? WHERE repository_id = ? AND package_id = ? AND version_removed IS NULL",
            arguments: [version, repositoryID, packageID])
        return dropped || db.changesCount > 0
    }

    /// Sets a project's status from `version` on; whether it changed. `active` is the default
    /// and needs no record.
    private static func applyStatus(_ db: Database, repositoryID: Int64, project: String, change: ProjectStatusChange, at version: Int) throws -> Bool {
        let current = try Row.fetchOne(
            db, sql: "SELECT status, reason FROM project_status WHERE repository_id = ? AND project = ? AND version_removed IS NULL",
            arguments: [repositoryID, project])
        let currentStatus = current.map { ProjectStatus(rawValue: $0["status"]) ?? .active } ?? .active
        let currentReason: String? = current?["reason"]
        if currentStatus == change.status && currentReason == change.reason { return false }
        try db.execute(
            sql: "UPDATE project_status SET version_removed = ? WHERE repository_id = ? AND project = ? AND version_removed IS NULL",
            arguments: [version, repositoryID, project])
        if change.status != .active || change.reason != nil {
            try db.execute(
                sql: "INSERT INTO project_status (repository_id, project, status, reason, version_added) VALUES (?, ?, ?, ?, ?)",
                arguments: [repositoryID, project, change.status.rawValue, change.reason, version])
        }
        return true
    }

    /// Keeps the newest `keep` versions and any a distribution serves (directly or through a
    /// publication); older versions go with their publications, as in Pulp, and membership
    /// records no kept version needs go too.
    private static func applyRetention(_ db: Database, repositoryID: Int64, keep: Int, latest: Int) throws {
        // (A distribution serving publications gets a new one with every sync: protecting every
        // publication would keep every version.)
        try db.execute(
            sql: """
                DELETE FROM publication WHERE id NOT IN (SELECT publication_id FROM distribution WHERE publication_id IS NOT NULL)
                    AND repository_version_id IN (SELECT id FROM repository_version WHERE repository_id = ? AND number <= ?)
                """,
            arguments: [repositoryID, latest - keep])
        try db.execute(
            sql: """
                DELETE FROM repository_version WHERE repository_id = ? AND number <= ?
                    AND id NOT IN (SELECT repository_version_id FROM publication)
                    AND id NOT IN (SELECT repository_version_id FROM distribution WHERE repository_version_id IS NOT NULL)
                """,
            arguments: [repositoryID, latest - keep])
        guard let oldest = try Int.fetchOne(db, sql: "SELECT min(number) FROM repository_version WHERE repository_id = ?", arguments: [repositoryID])
        else { return }
        // Rows that ended at the oldest version kept are visible only in versions gone now, but a
        // reader may still be rendering the version just pruned: they go one version later.
        for table in ["repository_content", "package_yank", "project_status"] {
            try db.execute(
                sql: "DELETE FROM \(table) WHERE repository_id = ? AND version_removed IS NOT NULL AND version_removed < ?",
                arguments: [repositoryID, oldest])
        }
    }

    static func packageRow(_ db: Database, id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM package WHERE id = ?"), arguments: [id]) else {
            throw StoreError(.notFound, "there is no package \(id)")
        }
        return row
    }

    private static func orderedUnique(_ ids: [Int64]) -> [Int64] {
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }
}
