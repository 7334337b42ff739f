import GRDB
public import PythonPackaging

/// The files of one project as a distribution serves them, and the project's status.
public struct ServedProject: Sendable, Hashable {
    public let name: String
    public let normalized: String
    public let files: [PackageInVersion]
    public let status: ProjectStatus
    public let statusReason: String?
    public let lastSerial: Int64
}

extension ContentStore {
    /// Every project a distribution serves, with its display name (from its newest upload)
    /// and last serial, sorted by normalized name.
    public func projects(in content: ServedContent) async throws -> [ListedProject] {
        guard let repositoryID = content.repositoryID, let version = content.version else { return [] }
        return try await read { db in
            var serials: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT project, max(serial) AS serial FROM journal WHERE distribution_id = ? GROUP BY project",
                arguments: [content.distribution.id])
            {
                serials[row["project"]] = row["serial"]
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT p.name_normalized AS normalized, p.name AS name, max(p.upload_time) FROM repository_content rc
                    JOIN package p ON p.id = rc.package_id
                    WHERE rc.repository_id = ? AND rc.version_added <= ? AND (rc.version_removed IS NULL OR rc.version_removed > ?)
                    GROUP BY p.name_normalized ORDER BY p.name_normalized
                    """,
                arguments: [repositoryID, version, version]
            ).map { row in ListedProject(name: row["name"], normalized: row["normalized"], lastSerial: serials[row["normalized"]] ?? 0) }
        }
    }

    /// One project's files in a distribution, or nil if it has none there.
    public func project(_ normalized: String, in content: ServedContent) async throws -> ServedProject? {
        guard let repositoryID = content.repositoryID, let version = content.version else { return nil }
        return try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.*, y.reason AS yank_reason, y.package_id IS NOT NULL AS yanked,
                        EXISTS (SELECT 1 FROM provenance v WHERE v.package_id = p.id) AS has_provenance FROM repository_content rc
                    JOIN package p ON p.id = rc.package_id
                    LEFT JOIN package_yank y ON y.repository_id = rc.repository_id AND y.package_id = p.id
                        AND y.version_added <= ?2 AND (y.version_removed IS NULL OR y.version_removed > ?2)
                    WHERE rc.repository_id = ?1 AND rc.version_added <= ?2 AND (rc.version_removed IS NULL OR rc.version_removed > ?2)
                        AND p.name_normalized = ?3
                    ORDER BY p.filename
                    """,
                arguments: [repositoryID, version, normalized])
            guard !rows.isEmpty else { return nil }
            let (status, reason) = try Self.status(db, of: normalized, repositoryID: repositoryID, version: version)
            // PEP 792: a quarantined project's page stays, with its status, but offers no files.
            let files = status.offersFiles
                ? rows.map { row in
                    PackageInVersion(package: Package(row: row), yanked: row["yanked"], yankedReason: row["yank_reason"], hasProvenance: row["has_provenance"])
                } : []
            let serial = try Int64.fetchOne(
                db, sql: "SELECT max(serial) FROM journal WHERE distribution_id = ? AND project = ?", arguments: [content.distribution.id, normalized]) ?? 0
            let newest = rows.max { (a: Row, b: Row) in (a["upload_time"] as Int64) < (b["upload_time"] as Int64) }!
            return ServedProject(
                name: newest["name"], normalized: normalized, files: files, status: status, statusReason: reason, lastSerial: serial)
        }
    }

    /// A project's status (PEP 792) in a repository version, and its reason.
    public func status(of project: String, repositoryID: Int64, version: Int) async throws -> (status: ProjectStatus, reason: String?) {
        try await read { db in try Self.status(db, of: project, repositoryID: repositoryID, version: version) }
    }

    /// The statuses other than `active` of some projects (normalized names) in a repository version.
    public func statuses(repositoryID: Int64, version: Int, projects: Set<String>) async throws -> [String: ProjectStatusChange] {
        let names = JSONValue.array(projects.sorted().map(JSONValue.string)).rendered
        return try await read { db in
            var found: [String: ProjectStatusChange] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT project, status, reason FROM project_status
                    WHERE repository_id = ?1 AND version_added <= ?2 AND (version_removed IS NULL OR version_removed > ?2)
                        AND project IN (SELECT value FROM json_each(?3))
                    """,
                arguments: [repositoryID, version, names])
            {
                found[row["project"]] = ProjectStatusChange(ProjectStatus(rawValue: row["status"]) ?? .active, reason: row["reason"])
            }
            return found
        }
    }

    /// Checks, before an upload's archive is read and stored, what would refuse it when added:
    /// `invalid` when the project takes no uploads at the repository's latest version (PEP 792:
    /// archived or quarantined), `conflict` ("File already exists") when the filename was
    /// used in the repository with other bytes. Both are checked again as the file is added.
    public func checkAcceptsUpload(filename: String, sha256: SHA256Digest, project: String?, repositoryID: Int64) async throws {
        try await read { db in
            if let project { try Self.checkAcceptsUploads(db, project, repositoryID: repositoryID) }
            try Self.checkFilename(db, repositoryID: repositoryID, filename: filename, sha256: sha256)
        }
    }

    /// Adds uploaded packages (and their provenance) as a new version, checking in the same
    /// transaction that their projects take uploads, so that a status another process set
    /// meanwhile is honoured.
    @discardableResult
    public func addUploads(
        _ packages: [Package], repositoryID: Int64, provenances: [(packageID: Int64, provenance: Provenance)] = []
    ) async throws -> RepositoryVersion? {
        try await write { db in
            for project in Set(packages.map(\.nameNormalized)).sorted() { try Self.checkAcceptsUploads(db, project, repositoryID: repositoryID) }
            try Self.recordProvenance(db, provenances)
            return try Self.modify(db, repositoryID: repositoryID, changes: ContentChanges(add: packages.map(\.id)))
        }
    }

    private static func checkAcceptsUploads(_ db: Database, _ project: String, repositoryID: Int64) throws {
        let latest = try repository(db, id: repositoryID).latestVersion
        let (status, reason) = try status(db, of: project, repositoryID: repositoryID, version: latest)
        guard status.acceptsUploads else {
            throw StoreError(
                .invalid,
                "The project '\(project)' is \(status.rawValue)\(reason.map { " (\($0))" } ?? ""), so it takes no new uploads (PEP 792); "
                    + "an administrator can set it active again with `wheelhouse project status`.")
        }
    }

    private static func status(_ db: Database, of project: String, repositoryID: Int64, version: Int) throws -> (status: ProjectStatus, reason: String?) {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT status, reason FROM project_status
                WHERE repository_id = ?1 AND project = ?2 AND version_added <= ?3 AND (version_removed IS NULL OR version_removed > ?3)
                """,
            arguments: [repositoryID, project, version])
        return (row.flatMap { ProjectStatus(rawValue: $0["status"]) } ?? .active, row?["reason"])
    }

    /// The file named `filename` in a distribution, if it serves one (files of quarantined
    /// projects are not served).
    public func file(named filename: String, in content: ServedContent) async throws -> PackageInVersion? {
        guard let repositoryID = content.repositoryID, let version = content.version else { return nil }
        return try await read { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT p.* FROM repository_content rc JOIN package p ON p.id = rc.package_id
                    WHERE rc.repository_id = ?1 AND rc.version_added <= ?2 AND (rc.version_removed IS NULL OR rc.version_removed > ?2)
                        AND p.filename = ?3
                        AND NOT EXISTS (
                            SELECT 1 FROM project_status s WHERE s.repository_id = ?1 AND s.project = p.name_normalized
                                AND s.status = 'quarantined' AND s.version_added <= ?2 AND (s.version_removed IS NULL OR s.version_removed > ?2))
                    """,
                arguments: [repositoryID, version, filename])
            else { return nil }
            return PackageInVersion(package: Package(row: row), yanked: false, yankedReason: nil)
        }
    }

    /// The packages of a repository version; only those of `projects` (normalized names)
    /// when given.
    public func packages(repositoryID: Int64, version: Int, projects: Set<String>? = nil) async throws -> [PackageInVersion] {
        let names = projects.map { JSONValue.array($0.sorted().map(JSONValue.string)).rendered }
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.*, y.reason AS yank_reason, y.package_id IS NOT NULL AS yanked FROM repository_content rc
                    JOIN package p ON p.id = rc.package_id
                    LEFT JOIN package_yank y ON y.repository_id = rc.repository_id AND y.package_id = p.id
                        AND y.version_added <= ?2 AND (y.version_removed IS NULL OR y.version_removed > ?2)
                    WHERE rc.repository_id = ?1 AND rc.version_added <= ?2 AND (rc.version_removed IS NULL OR rc.version_removed > ?2)
                        AND (?3 IS NULL OR p.name_normalized IN (SELECT value FROM json_each(?3)))
                    ORDER BY p.name_normalized, p.filename
                    """,
                arguments: [repositoryID, version, names]
            ).map { row in PackageInVersion(package: Package(row: row), yanked: row["yanked"], yankedReason: row["yank_reason"]) }
        }
    }

    /// The projects (normalized names) a repository version holds files of.
    public func projectNames(repositoryID: Int64, version: Int) async throws -> Set<String> {
        try await read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT p.name_normalized FROM repository_content rc JOIN package p ON p.id = rc.package_id
                        WHERE rc.repository_id = ? AND rc.version_added <= ? AND (rc.version_removed IS NULL OR rc.version_removed > ?)
                        """,
                    arguments: [repositoryID, version, version]))
        }
    }
}

extension ContentStore {
    /// How many projects, releases and files a distribution serves.
    public func counts(in content: ServedContent) async throws -> (projects: Int, releases: Int, files: Int) {
        guard let repositoryID = content.repositoryID, let version = content.version else { return (0, 0, 0) }
        return try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(DISTINCT p.name_normalized) AS projects,
                        count(DISTINCT p.name_normalized || ' ' || p.version) AS releases, count(*) AS files
                    FROM repository_content rc JOIN package p ON p.id = rc.package_id
                    WHERE rc.repository_id = ? AND rc.version_added <= ? AND (rc.version_removed IS NULL OR rc.version_removed > ?)
                    """,
                arguments: [repositoryID, version, version])!
            return (row["projects"], row["releases"], row["files"])
        }
    }
}

extension ContentStore {
    /// The package with these bytes and this filename, if some distribution serves it now: the
    /// version it serves holds it, and does not have its project quarantined (PEP 792). A file
    /// removed everywhere, or held only by versions no distribution serves, is not served.
    public func file(sha256: SHA256Digest, filename: String) async throws -> Package? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: """
                    WITH served (repository_id, version) AS (
                        SELECT r.id, r.latest_version FROM distribution d JOIN repository r ON r.id = d.repository_id
                        UNION SELECT v.repository_id, v.number FROM distribution d JOIN repository_version v ON v.id = d.repository_version_id
                        UNION SELECT v.repository_id, v.number FROM distribution d JOIN publication p ON p.id = d.publication_id
                            JOIN repository_version v ON v.id = p.repository_version_id
                    )
                    SELECT p.* FROM package p WHERE p.sha256 = ?1 AND p.filename = ?2
                        AND EXISTS (
                            SELECT 1 FROM served s JOIN repository_content rc ON rc.repository_id = s.repository_id AND rc.package_id = p.id
                            WHERE rc.version_added <= s.version AND (rc.version_removed IS NULL OR rc.version_removed > s.version)
                                AND NOT EXISTS (
                                    SELECT 1 FROM project_status q WHERE q.repository_id = s.repository_id AND q.project = p.name_normalized
                                        AND q.status = 'quarantined' AND q.version_added <= s.version
                                        AND (q.version_removed IS NULL OR q.version_removed > s.version)))
                    """,
                arguments: [sha256, filename]
            ).map(Package.init(row:))
        }
    }
}
