import ContentStore
import Logging
import PythonPackaging
import ServiceLifecycle

/// What a task's work hands back: the objects it made (hrefs) and the one it made or
/// changed, as the API shows it (pulp-cli prints `result`).
struct TaskResult: Sendable {
    var createdResources: [String] = []
    var result: JSONValue?
    var progress: [JSONValue] = []
}

/// Why a task's work failed, in words for the person who started it.
struct TaskFailure: Error {
    let description: String

    init(_ description: String) { self.description = description }
}

/// Runs the management API's long operations as tasks: each is recorded before it runs, runs
/// on a bounded pool once the resources it names are free, and ends in a final state that is
/// stored, so that clients can poll it and a restart finds none left running (the next start
/// fails what a crash interrupted). A running task asked to cancel is stopped.
final class TaskRunner: Service, Sendable {
    struct Job: Sendable {
        let task: StoredTask
        let resources: Set<String>
        let work: @Sendable () async throws -> TaskResult
    }

    let store: ContentStore
    let logger: Logger
    /// Tasks running at once.
    let width: Int
    private let locks = ResourceLocks()
    private let jobs: AsyncStream<Job>
    private let queue: AsyncStream<Job>.Continuation

    init(store: ContentStore, logger: Logger, width: Int = 2) {
        self.store = store
        self.logger = logger
        self.width = max(1, width)
        (jobs, queue) = AsyncStream.makeStream(of: Job.self)
    }

    /// Records a task and queues it; the task as recorded (waiting).
    func submit(
        name: String, resources: Set<String>, group: Int64? = nil, work: @escaping @Sendable () async throws -> TaskResult
    ) async throws -> StoredTask {
        let task = try await store.createTask(name: name, reserved: resources.sorted(), groupID: group)
        queue.yield(Job(task: task, resources: resources, work: work))
        return task
    }

    /// Records a task and runs it before answering, for quick changes (an update, a delete):
    /// the client that polls finds it finished.
    func runNow(name: String, resources: Set<String>, work: @escaping @Sendable () async throws -> TaskResult) async throws -> StoredTask {
        let task = try await store.createTask(name: name, reserved: resources.sorted())
        await execute(Job(task: task, resources: resources, work: work))
        return task
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await job in jobs.cancelOnGracefulShutdown() {
                if running >= width {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.execute(job) }
                running += 1
            }
        }
    }

    private func execute(_ job: Job) async {
        let id = job.task.id
        do {
            try await locks.acquire(job.resources)
        } catch {
            return  // Shut down while waiting: the next start fails it.
        }
        var outcome: TaskOutcome
        do {
            guard try await store.startTask(id: id) else {
                await locks.release(job.resources)
                return  // Canceled while it waited.
            }
            let result = try await withThrowingTaskGroup(of: TaskResult?.self) { group in
                group.addTask { try await job.work() }
                group.addTask {
                    try await self.waitForCancelRequest(job.task.uuid)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            if let result {
                outcome = TaskOutcome(
                    state: .completed, createdResources: result.createdResources, result: result.result?.rendered,
                    progress: JSONValue.array(result.progress).rendered)
            } else {
                outcome = TaskOutcome(state: .canceled)
            }
        } catch is CancellationError {
            outcome = TaskOutcome(state: .failed, error: Self.error("The server stopped while the task ran; run it again."))
        } catch {
            outcome = TaskOutcome(state: .failed, error: Self.error(Self.describe(error)))
        }
        await locks.release(job.resources)
        do {
            try await store.finishTask(id: id, outcome)
        } catch {
            logger.error("cannot record how a task ended", metadata: ["task": "\(job.task.uuid)", "error": "\(error)"])
        }
    }

    /// Returns once the task is marked `canceling`.
    private func waitForCancelRequest(_ uuid: String) async throws {
        while true {
            try await Task.sleep(for: .milliseconds(250))
            if try await store.task(uuid: uuid).state == .canceling { return }
        }
    }

    static func error(_ description: String) -> String { JSONValue.object([("description", .string(description))]).rendered }

    /// An error as a task reports it: the message people act on.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as StoreError: error.message
        case let failure as TaskFailure: failure.description
        case let failure as APIFailure: failure.body.rendered
        default: String(describing: error)
        }
    }
}
