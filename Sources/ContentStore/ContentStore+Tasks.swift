import GRDB
public import PythonPackaging

/// A task's state, as Pulp names them. `canceling` leads to `canceled`; the final states are
/// `completed`, `failed` and `canceled`.
public enum TaskState: String, Sendable, Hashable, CaseIterable {
    case waiting, running, canceling, completed, failed, canceled

    public var isFinal: Bool { self == .completed || self == .failed || self == .canceled }
}

/// A long operation run by the server, with what it did; kept so that clients can poll it and
/// a restart finds it in a final state.
public struct StoredTask: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    /// What runs, as Pulp names its task functions (`pulp_python.app.tasks.sync.sync`).
    public let name: String
    public let state: TaskState
    public let createdAt: Timestamp
    public let startedAt: Timestamp?
    public let finishedAt: Timestamp?
    /// Why it failed, when it did.
    public let error: String?
    /// JSON arrays.
    public let progress: String
    public let createdResources: String
    public let reservedResources: String
    /// JSON: the object it made or changed.
    public let result: String?
    public let taskGroupID: Int64?

    init(row: Row) {
        id = row["id"]
        uuid = row["uuid"]
        name = row["name"]
        state = TaskState(rawValue: row["state"]) ?? .failed
        createdAt = Timestamp(microseconds: row["created_at"])
        startedAt = (row["started_at"] as Int64?).map(Timestamp.init(microseconds:))
        finishedAt = (row["finished_at"] as Int64?).map(Timestamp.init(microseconds:))
        error = row["error"]
        progress = row["progress"]
        createdResources = row["created_resources"]
        reservedResources = row["reserved_resources"]
        result = row["result"]
        taskGroupID = row["task_group_id"]
    }
}

/// A group of tasks dispatched together (a replication: one per distribution).
public struct StoredTaskGroup: Sendable, Hashable {
    public let id: Int64
    public let uuid: String
    public let description: String
    public let allDispatched: Bool
    public let createdAt: Timestamp
}

/// How a task ended.
public struct TaskOutcome: Sendable {
    public var state: TaskState
    public var error: String?
    public var createdResources: [String]
    public var result: String?
    public var progress: String?

    public init(state: TaskState, error: String? = nil, createdResources: [String] = [], result: String? = nil, progress: String? = nil) {
        self.state = state
        self.error = error
        self.createdResources = createdResources
        self.result = result
        self.progress = progress
    }
}

/// Which tasks to list.
public struct TaskFilter: Sendable {
    public var name: String?
    public var states: [TaskState] = []
    public var taskGroupID: Int64?
    public var reservedResource: String?

    public init() {}
}

extension ContentStore {
    /// Records a new task, waiting to run in `worker` (this process unless said otherwise).
    public func createTask(
        name: String, reserved: [String] = [], groupID: Int64? = nil, worker: String = ProcessIdentity.current
    ) async throws -> StoredTask {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO task (uuid, name, state, created_at, reserved_resources, task_group_id, worker)
                    VALUES (?, ?, 'waiting', ?, ?, ?, ?)
                    """,
                arguments: [
                    makeUUID(), name, Timestamp.now().microseconds, JSONValue.array(reserved.map(JSONValue.string)).rendered, groupID, worker,
                ])
            return try Self.task(db, id: db.lastInsertedRowID)
        }
    }

    /// Marks a task running (unless it was canceled while it waited); whether it should run.
    public func startTask(id: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE task SET state = 'running', started_at = ? WHERE id = ? AND state = 'waiting'",
                arguments: [Timestamp.now().microseconds, id])
            return db.changesCount > 0
        }
    }

    /// Records a running task's progress reports (JSON array).
    public func recordTaskProgress(id: Int64, progress: String) async throws {
        try await write { db in try db.execute(sql: "UPDATE task SET progress = ? WHERE id = ?", arguments: [progress, id]) }
    }

    /// Records how a task ended.
    public func finishTask(id: Int64, _ outcome: TaskOutcome) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE task SET state = ?, finished_at = ?, error = ?, created_resources = ?, result = ?, progress = coalesce(?, progress)
                    WHERE id = ?
                    """,
                arguments: [
                    outcome.state.rawValue, Timestamp.now().microseconds, outcome.error,
                    JSONValue.array(outcome.createdResources.map(JSONValue.string)).rendered, outcome.result, outcome.progress, id,
                ])
        }
    }

    /// Asks a task to stop: a waiting one is canceled at once, a running one is marked
    /// `canceling` (its runner ends it). Final tasks stay as they are.
    public func cancelTask(id: Int64) async throws -> StoredTask {
        try await write { db in
            let now = Timestamp.now().microseconds
            try db.execute(sql: "UPDATE task SET state = 'canceled', finished_at = ? WHERE id = ? AND state = 'waiting'", arguments: [now, id])
            try db.execute(sql: "UPDATE task SET state = 'canceling' WHERE id = ? AND state = 'running'", arguments: [id])
            return try Self.task(db, id: id)
        }
    }

    /// At start: every task that a process no longer running left unfinished is failed,
    /// saying why, so that none stays waiting or running forever. Tasks of a process that
    /// still runs (another `serve` on the same data directory) are left to it.
    @discardableResult
    public func failUnfinishedTasks(reason: String) async throws -> Int {
        try await write { db in
            let unfinished = try Row.fetchAll(db, sql: "SELECT id, worker FROM task WHERE state IN ('waiting', 'running', 'canceling')")
            let orphaned = unfinished.filter { row in (row["worker"] as String?).map { !ProcessIdentity.isRunning($0) } ?? true }
            let error = JSONValue.object([("description", .string(reason))]).rendered
            for row in orphaned {
                try db.execute(
                    sql: "UPDATE task SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                    arguments: [Timestamp.now().microseconds, error, row["id"] as Int64])
            }
            return orphaned.count
        }
    }

    public func task(uuid: String) async throws -> StoredTask {
        try await read { db in
            StoredTask(row: try Self.row(db, "SELECT * FROM task WHERE uuid = ?", uuid, missing: "No Task matches the given query."))
        }
    }

    /// A page of tasks, newest first, and how many match in all.
    public func tasks(_ filter: TaskFilter, offset: Int, limit: Int) async throws -> (count: Int, tasks: [StoredTask]) {
        let states = filter.states.isEmpty ? nil : JSONValue.array(filter.states.map { .string($0.rawValue) }).rendered
        let resource = filter.reservedResource.map { JSONValue.string($0).rendered }
        return try await read { db in
            let condition = """
                (?1 IS NULL OR name = ?1) AND (?2 IS NULL OR state IN (SELECT value FROM json_each(?2))) AND (?3 IS NULL OR task_group_id = ?3)
                    AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(reserved_resources) WHERE value = json_extract(?4, '$')))
                """
            let arguments: StatementArguments = [filter.name, states, filter.taskGroupID, resource]
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM task WHERE \(condition)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM task WHERE \(condition) ORDER BY id DESC LIMIT ?5 OFFSET ?6",
                arguments: arguments + [limit, offset])
            return (count, rows.map(StoredTask.init(row:)))
        }
    }

    /// Records a task group.
    public func createTaskGroup(description: String) async throws -> StoredTaskGroup {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO task_group (uuid, description, created_at) VALUES (?, ?, ?)",
                arguments: [makeUUID(), description, Timestamp.now().microseconds])
            return try Self.taskGroup(db, sql: "SELECT * FROM task_group WHERE id = ?", db.lastInsertedRowID)
        }
    }

    /// Marks that every task of a group has been created.
    public func finishDispatching(groupID: Int64) async throws {
        try await write { db in try db.execute(sql: "UPDATE task_group SET all_dispatched = 1 WHERE id = ?", arguments: [groupID]) }
    }

    public func taskGroup(id: Int64) async throws -> StoredTaskGroup {
        try await read { db in try Self.taskGroup(db, sql: "SELECT * FROM task_group WHERE id = ?", id) }
    }

    public func taskGroup(uuid: String) async throws -> StoredTaskGroup {
        try await read { db in try Self.taskGroup(db, sql: "SELECT * FROM task_group WHERE uuid = ?", uuid) }
    }

    private static func taskGroup(_ db: Database, sql: String, _ argument: some DatabaseValueConvertible & Sendable) throws -> StoredTaskGroup {
        let row = try row(db, sql, argument, missing: "No Task Group matches the given query.")
        return StoredTaskGroup(
            id: row["id"], uuid: row["uuid"], description: row["description"], allDispatched: row["all_dispatched"],
            createdAt: Timestamp(microseconds: row["created_at"]))
    }

    private static func task(_ db: Database, id: Int64) throws -> StoredTask {
        StoredTask(row: try row(db, "SELECT * FROM task WHERE id = ?", id, missing: "No Task matches the given query."))
    }
}
