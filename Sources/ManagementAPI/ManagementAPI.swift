public import ContentStore
public import IndexServer
public import Logging

/// The management API at `/pulp/api/v3/`: Pulp's v3 REST API for the python plugin, so that
/// pulp-cli and pulpcore's replication drive Wheelhouse unchanged. Long operations run as
/// tasks on a bounded pool, kept in the store.
public struct ManagementAPI: Sendable {
    let runner: TaskRunner

    /// `workers`: tasks that run at once.
    public init(store: ContentStore, logger: Logger, workers: Int = 2) {
        runner = TaskRunner(store: store, logger: logger, width: workers)
    }

    /// At start, before serving: tasks a previous process left waiting or running are failed
    /// with the reason, so that none stays unfinished. How many there were.
    @discardableResult
    public func failInterruptedTasks() async throws -> Int {
        try await runner.store.failUnfinishedTasks(reason: "The server stopped before the task finished; run it again.")
    }

    /// The routes and the task runner, for the index server to carry.
    public var extensions: ServerExtensions {
        ServerExtensions(services: [runner]) { [runner] router, server in
            ManagementRoutes(server: server, runner: runner).register(on: router)
        }
    }
}
