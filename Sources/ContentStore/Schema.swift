import GRDB
import PythonPackaging

/// The database schema, as migrations applied in order. Invariants live here: UNIQUE,
/// NOT NULL, CHECK and foreign keys, so that no code path can store an impossible state.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1: repositories, content, distributions, serials") { db in
            try db.execute(sql: version1)
        }
        migrator.registerMigration("2: what each repository last synced from each upstream") { db in
            try db.execute(sql: version2)
        }
        migrator.registerMigration("3: remotes stored by name") { db in
            try db.execute(sql: version3)
        }
        migrator.registerMigration("4: where an upstream publishes its changes journal") { db in
            try db.execute(sql: "ALTER TABLE sync_state ADD COLUMN changes_url TEXT")
        }
        migrator.registerMigration("5: on-demand content that is served but not kept (streamed)") { db in
            try db.execute(sql: "ALTER TABLE package ADD COLUMN keep_fetched INTEGER NOT NULL DEFAULT 1 CHECK (keep_fetched IN (0, 1))")
        }
        // Rebuilds tables (SQLite cannot add a CHECK to a column), so foreign keys are checked
        // once at the end rather than while the old table is dropped.
        migrator.registerMigration("6: digests, times and upstream URLs checked by the schema", foreignKeyChecks: .deferred) { db in
            try db.execute(sql: version6)
        }
        migrator.registerMigration("7: whether an upstream's listing carries serials that move") { db in
            // Unknown for state recorded before: an unchanged listing then reads the projects applied
            // (conditionally), until the listing next changes and says whether its serials move.
            try db.execute(sql: "ALTER TABLE sync_state ADD COLUMN listing_serials INTEGER NOT NULL DEFAULT 0 CHECK (listing_serials IN (0, 1))")
        }
        migrator.registerMigration("8: tasks, and what the management API shows of repositories, remotes and distributions") { db in
            try db.execute(sql: version8)
        }
        migrator.registerMigration("9: upstream Pulps to replicate from") { db in
            try db.execute(sql: version9)
        }
        migrator.registerMigration("10: PEP 740 provenance of packages") { db in
            try db.execute(sql: version10)
        }
        migrator.registerMigration("11: accounts as the management API shows them, and their tokens") { db in
            try db.execute(sql: version11)
        }
        migrator.registerMigration("12: the process that runs each task") { db in
            // `host pid start-time` (ProcessIdentity): tasks of a process still running are not
            // failed by another process starting on the same data directory. NULL: from before.
            try db.execute(sql: "ALTER TABLE task ADD COLUMN worker TEXT")
        }
        return migrator
    }

    /// A column holding a sha256: 64 lowercase hex digits (checked where read, and here).
    private static func isDigest(_ column: String) -> String {
        "(length(\(column)) = 64 AND \(column) NOT GLOB '*[^0-9a-f]*')"
    }

    /// A column holding microseconds since 1970 within years 1 to 9999 (`Timestamp.range`).
    private static func isTime(_ column: String) -> String {
        "(\(column) BETWEEN \(Timestamp.range.lowerBound.microseconds) AND \(Timestamp.range.upperBound.microseconds))"
    }

    /// Upstream file URLs: http or https only (the HTTP client would follow other schemes).
    private static func isUpstreamURL(_ column: String) -> String {
        "(\(column) IS NULL OR \(column) LIKE 'http://%' OR \(column) LIKE 'https://%')"
    }

    /// A random UUID (version 4) in SQL, for rows that existed before they had one.
    private static let sqlUUID = """
        lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-'
            || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))
        """

    /// Version 8: the management API's objects. Remotes get a UUID (their href) and labels;
    /// repositories labels and the remote they sync from by default; every object the time it
    /// last changed. Long operations run as tasks whose state is kept here, so that a
    /// restart finds each in a final state.
    private static let version8 = """
        ALTER TABLE remote ADD COLUMN uuid TEXT;
        UPDATE remote SET uuid = \(sqlUUID);
        CREATE UNIQUE INDEX remote_by_uuid ON remote (uuid);
        ALTER TABLE remote ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE remote ADD COLUMN updated_at INTEGER;
        ALTER TABLE repository ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE repository ADD COLUMN remote_id INTEGER REFERENCES remote (id) ON DELETE SET NULL;
        ALTER TABLE repository ADD COLUMN updated_at INTEGER;
        ALTER TABLE distribution ADD COLUMN updated_at INTEGER;

        CREATE TABLE task_group (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL,
            all_dispatched INTEGER NOT NULL DEFAULT 0 CHECK (all_dispatched IN (0, 1)),
            created_at INTEGER NOT NULL
        );

        CREATE TABLE task (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'canceling', 'completed', 'failed', 'canceled')),
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            -- JSON: {"description": …} when failed.
            error TEXT,
            -- JSON arrays: progress reports, hrefs of what the task made, resources it reserved.
            progress TEXT NOT NULL DEFAULT '[]',
            created_resources TEXT NOT NULL DEFAULT '[]',
            reserved_resources TEXT NOT NULL DEFAULT '[]',
            -- JSON: the object the task made or changed, as the API shows it.
            result TEXT,
            task_group_id INTEGER REFERENCES task_group (id) ON DELETE SET NULL
        );
        CREATE INDEX task_by_state ON task (state);
        CREATE INDEX task_by_group ON task (task_group_id);
        """

    /// Version 11: accounts get an ID (their href), Pulp's profile fields, staff (who manages
    /// accounts) and active flags; `admin` is staff. Tokens are kept as the sha256 of their
    /// random text, and go with their account.
    private static let version11 = """
        ALTER TABLE account ADD COLUMN id INTEGER;
        UPDATE account SET id = rowid;
        CREATE UNIQUE INDEX account_by_id ON account (id);
        ALTER TABLE account ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE account ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE account ADD COLUMN email TEXT NOT NULL DEFAULT '';
        ALTER TABLE account ADD COLUMN is_staff INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1));
        ALTER TABLE account ADD COLUMN is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1));
        UPDATE account SET is_staff = 1 WHERE username = 'admin';

        CREATE TABLE account_token (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL REFERENCES account (username) ON DELETE CASCADE ON UPDATE CASCADE,
            digest TEXT NOT NULL UNIQUE CHECK \(isDigest("digest")),
            label TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL
        );
        CREATE INDEX account_token_by_user ON account_token (username);
        """

    /// Version 10: a package's PEP 740 provenance, as the bytes it came as. It belongs to the
    /// package (the same file has the same attestations in every repository) and goes with it.
    private static let version10 = """
        CREATE TABLE provenance (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            package_id INTEGER NOT NULL UNIQUE REFERENCES package (id) ON DELETE CASCADE,
            document BLOB NOT NULL,
            sha256 TEXT NOT NULL CHECK \(isDigest("sha256")),
            created_at INTEGER NOT NULL
        );
        """

    /// Version 9: the upstream Pulps (or Wheelhouses) replicated from, and chunked uploads. The definition is JSON
    /// (read by the replication side). `marks` (JSON, distribution name → time) holds each
    /// distribution's `no_content_change_since` as the last replication that succeeded saw it:
    /// an equal value next time means unchanged, whatever the two machines' clocks say.
    private static let version9 = """
        CREATE TABLE upstream_pulp (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
            definition TEXT NOT NULL,
            last_replication INTEGER,
            marks TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER
        );

        -- Chunked uploads (the management API's uploads/): the chunks' bytes are files in
        -- uploads/<uuid>/, named by offset, until the upload becomes content or is deleted.
        CREATE TABLE upload (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL CHECK (size > 0),
            created_at INTEGER NOT NULL
        );
        CREATE TABLE upload_chunk (
            upload_id INTEGER NOT NULL REFERENCES upload (id) ON DELETE CASCADE,
            offset INTEGER NOT NULL CHECK (offset >= 0),
            size INTEGER NOT NULL CHECK (size > 0),
            PRIMARY KEY (upload_id, offset)
        );
        """

    /// Version 6 rebuilds the tables that hold digests, with CHECKs: a digest that is not hex
    /// (an upstream's PEP 658 hash once was stored as it came) must never become a blob path.
    /// Rows from before that do not pass lose the offending value (no metadata file, no
    /// upstream to fetch from) rather than the row.
    private static let version6 = """
        CREATE TABLE artifact_checked (
            sha256 TEXT PRIMARY KEY CHECK \(isDigest("sha256")),
            size INTEGER NOT NULL CHECK (size >= 0),
            md5 TEXT NOT NULL,
            blake2b_256 TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        INSERT INTO artifact_checked SELECT * FROM artifact WHERE \(isDigest("sha256"));
        DROP TABLE artifact;
        ALTER TABLE artifact_checked RENAME TO artifact;

        CREATE TABLE package_checked (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK \(isDigest("sha256")),
            size INTEGER NOT NULL CHECK (size >= 0),
            md5 TEXT,
            blake2b_256 TEXT,
            name TEXT NOT NULL,
            name_normalized TEXT NOT NULL,
            version TEXT NOT NULL,
            packagetype TEXT NOT NULL,
            python_version TEXT NOT NULL,
            requires_python TEXT,
            metadata TEXT NOT NULL,
            metadata_sha256 TEXT CHECK (metadata_sha256 IS NULL OR \(isDigest("metadata_sha256"))),
            upload_time INTEGER NOT NULL CHECK \(isTime("upload_time")),
            upstream_url TEXT CHECK \(isUpstreamURL("upstream_url")),
            created_at INTEGER NOT NULL,
            keep_fetched INTEGER NOT NULL DEFAULT 1 CHECK (keep_fetched IN (0, 1)),
            UNIQUE (filename, sha256)
        );
        INSERT INTO package_checked
            SELECT id, uuid, filename, sha256, size, md5, blake2b_256, name, name_normalized, version, packagetype,
                python_version, requires_python, metadata,
                CASE WHEN \(isDigest("metadata_sha256")) THEN metadata_sha256 END,
                min(max(upload_time, \(Timestamp.range.lowerBound.microseconds)), \(Timestamp.range.upperBound.microseconds)),
                CASE WHEN \(isUpstreamURL("upstream_url")) THEN upstream_url END,
                created_at, keep_fetched
            FROM package;
        DROP TABLE package;
        ALTER TABLE package_checked RENAME TO package;
        CREATE INDEX package_by_name ON package (name_normalized);

        CREATE TABLE repository_filename_checked (
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK \(isDigest("sha256")),
            PRIMARY KEY (repository_id, filename)
        );
        INSERT INTO repository_filename_checked SELECT * FROM repository_filename;
        DROP TABLE repository_filename;
        ALTER TABLE repository_filename_checked RENAME TO repository_filename;
        """

    private static let version1 = """
        -- Raised by every write; servers poll it to notice changes made by other processes.
        CREATE TABLE store_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL
        );
        INSERT INTO store_state (id, generation) VALUES (1, 0);

        CREATE TABLE artifact (
            sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            md5 TEXT NOT NULL,
            blake2b_256 TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );

        -- One distribution file and its metadata; shared by every repository holding it.
        CREATE TABLE package (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            md5 TEXT,
            blake2b_256 TEXT,
            name TEXT NOT NULL,
            name_normalized TEXT NOT NULL,
            version TEXT NOT NULL,
            packagetype TEXT NOT NULL,
            python_version TEXT NOT NULL,
            requires_python TEXT,
            metadata TEXT NOT NULL,
            metadata_sha256 TEXT,
            upload_time INTEGER NOT NULL,
            upstream_url TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (filename, sha256)
        );
        CREATE INDEX package_by_name ON package (name_normalized);

        CREATE TABLE repository (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
            description TEXT,
            retain_repo_versions INTEGER CHECK (retain_repo_versions IS NULL OR retain_repo_versions >= 1),
            latest_version INTEGER NOT NULL DEFAULT 0 CHECK (latest_version >= 0),
            created_at INTEGER NOT NULL
        );

        CREATE TABLE repository_version (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number >= 0),
            created_at INTEGER NOT NULL,
            UNIQUE (repository_id, number)
        );

        -- Membership of content in versions as ranges: present in versions
        -- version_added <= n < version_removed (or from version_added on).
        CREATE TABLE repository_content (
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            package_id INTEGER NOT NULL REFERENCES package (id) ON DELETE RESTRICT,
            version_added INTEGER NOT NULL,
            version_removed INTEGER,
            CHECK (version_removed IS NULL OR version_removed > version_added),
            PRIMARY KEY (repository_id, package_id, version_added)
        );
        CREATE INDEX repository_content_current ON repository_content (repository_id, version_removed);
        CREATE UNIQUE INDEX repository_content_one_open_range
            ON repository_content (repository_id, package_id) WHERE version_removed IS NULL;

        -- A filename once used in a repository keeps its bytes forever.
        CREATE TABLE repository_filename (
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (repository_id, filename)
        );

        -- The versioned overlay: yanks (PEP 592) and project status (PEP 792), in ranges too.
        CREATE TABLE package_yank (
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            package_id INTEGER NOT NULL REFERENCES package (id) ON DELETE RESTRICT,
            reason TEXT,
            version_added INTEGER NOT NULL,
            version_removed INTEGER,
            CHECK (version_removed IS NULL OR version_removed > version_added),
            PRIMARY KEY (repository_id, package_id, version_added)
        );
        CREATE UNIQUE INDEX package_yank_one_open_range
            ON package_yank (repository_id, package_id) WHERE version_removed IS NULL;

        CREATE TABLE project_status (
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            project TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'archived', 'quarantined', 'deprecated')),
            reason TEXT,
            version_added INTEGER NOT NULL,
            version_removed INTEGER,
            CHECK (version_removed IS NULL OR version_removed > version_added),
            PRIMARY KEY (repository_id, project, version_added)
        );
        CREATE UNIQUE INDEX project_status_one_open_range
            ON project_status (repository_id, project) WHERE version_removed IS NULL;

        CREATE TABLE publication (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            repository_version_id INTEGER NOT NULL REFERENCES repository_version (id) ON DELETE RESTRICT,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE distribution (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
            base_path TEXT NOT NULL UNIQUE CHECK (length(base_path) > 0),
            repository_id INTEGER REFERENCES repository (id) ON DELETE SET NULL,
            repository_version_id INTEGER REFERENCES repository_version (id) ON DELETE RESTRICT,
            publication_id INTEGER REFERENCES publication (id) ON DELETE RESTRICT,
            labels TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            CHECK ((repository_id IS NOT NULL) + (repository_version_id IS NOT NULL) + (publication_id IS NOT NULL) <= 1)
        );

        -- Every visible change of a distribution, numbered by the global serial.
        CREATE TABLE journal (
            serial INTEGER PRIMARY KEY AUTOINCREMENT,
            distribution_id INTEGER NOT NULL REFERENCES distribution (id) ON DELETE CASCADE,
            project TEXT NOT NULL,
            version TEXT,
            filename TEXT,
            action TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX journal_by_distribution ON journal (distribution_id, serial);
        CREATE INDEX journal_by_project ON journal (distribution_id, project, serial);

        CREATE TABLE account (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            salt TEXT NOT NULL,
            iterations INTEGER NOT NULL CHECK (iterations > 0),
            created_at INTEGER NOT NULL
        );
        """

    private static let version2 = """
        -- The upstream state a repository last completed a sync from, for incremental re-syncs.
        CREATE TABLE sync_state (
            id INTEGER PRIMARY KEY,
            repository_id INTEGER NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            filter TEXT NOT NULL,
            serial INTEGER,
            root_etag TEXT,
            completed_at INTEGER NOT NULL,
            UNIQUE (repository_id, url)
        );

        -- Per project: the serial and ETag of the upstream page last applied in full.
        CREATE TABLE sync_project_state (
            sync_state_id INTEGER NOT NULL REFERENCES sync_state (id) ON DELETE CASCADE,
            project TEXT NOT NULL,
            serial INTEGER,
            etag TEXT,
            PRIMARY KEY (sync_state_id, project)
        );
        """

    private static let version3 = """
        -- An upstream and how to mirror it, by name; `definition` is JSON with pulp_python's
        -- remote field names. The last scheduled or requested sync's summary is kept.
        CREATE TABLE remote (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
            definition TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_sync_at INTEGER,
            last_result TEXT
        );
        """
}
