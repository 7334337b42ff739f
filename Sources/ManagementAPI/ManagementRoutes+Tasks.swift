import ContentStore
import Foundation
import Hummingbird
import IndexServer
import PythonPackaging

/// `tasks/` and `task-groups/`: what long operations did, and cancelling them; and `status/`.
extension ManagementRoutes {
    static let taskFilters = [
        "name", "name__contains", "state", "state__in", "task_group", "reserved_resources", "reserved_resources__in",
        "exclusive_resources", "exclusive_resources__in", "shared_resources", "shared_resources__in",
    ]

    func listTasks(_ request: Request) async throws -> Response {
        var filter = TaskFilter()
        for (name, value) in Self.parameters(request) {
            switch name {
            case "name": filter.name = value
            case "state", "state__in":
                for state in value.split(separator: ",") {
                    guard let parsed = TaskState(rawValue: String(state)) else {
                        throw APIFailure.field(name, "Select a valid choice. \(state) is not one of the available choices.")
                    }
                    filter.states.append(parsed)
                }
            case "task_group":
                guard let uuid = Href.uuid(value, of: .taskGroup) else { throw APIFailure.field(name, "Invalid hyperlink - No URL match.") }
                filter.taskGroupID = try await store.taskGroup(uuid: uuid).id
            case "reserved_resources", "reserved_resources__in", "exclusive_resources", "exclusive_resources__in":
                filter.reservedResource = try Self.single(name, value)
            case "shared_resources", "shared_resources__in":
                filter.reservedResource = "shared:" + (try Self.single(name, value))
            default: break
            }
        }
        let page = try Page(request)
        let (count, tasks) = try await store.tasks(filter, offset: page.offset, limit: page.limit)
        var results: [JSONValue] = []
        for task in tasks { results.append(try await present(task)) }
        return APIResponse.json(page.render(count: count, results: results, request: request))
    }

    /// One resource of a filter that takes a list (Wheelhouse matches one at a time).
    private static func single(_ name: String, _ value: String) throws(APIFailure) -> String {
        let values = value.split(separator: ",")
        guard values.count == 1 else { throw .field(name, "Give one resource.") }
        return String(values[0])
    }

    func readTask(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let task = try await store.task(uuid: try Self.uuid(context, "Task"))
        return APIResponse.json(FieldSelection(request).apply(try await present(task)))
    }

    /// `PATCH tasks/<uuid>/` with `{"state": "canceled"}`.
    func cancelTask(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let task = try await store.task(uuid: try Self.uuid(context, "Task"))
        let fields = try await RequestFields.read(request)
        guard try fields.string("state") == "canceled" else { throw APIFailure.field("state", "The only allowed change is to \"canceled\".") }
        guard !task.state.isFinal else {
            throw APIFailure(.conflict, detail: "Task \(Href.of(.task, task.uuid)) is already in a final state: \(task.state.rawValue).")
        }
        return APIResponse.json(try await present(try await store.cancelTask(id: task.id)))
    }

    private func present(_ task: StoredTask) async throws -> JSONValue {
        let group = try await task.taskGroupID.asyncMap { try await store.taskGroup(id: $0).uuid }
        return Presenter.task(task, group: group)
    }

    func readTaskGroup(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let group = try await store.taskGroup(uuid: try Self.uuid(context, "Task Group"))
        var filter = TaskFilter()
        filter.taskGroupID = group.id
        let tasks = try await store.tasks(filter, offset: 0, limit: 10_000).tasks
        let count = { (state: TaskState) in JSONValue.integer(Int64(tasks.count { $0.state == state })) }
        return APIResponse.json(
            .object([
                ("pulp_href", .string(Href.of(.taskGroup, group.uuid))), ("prn", .string(Href.prn(.taskGroup, group.uuid))),
                ("description", .string(group.description)), ("all_tasks_dispatched", .bool(group.allDispatched)),
                ("waiting", count(.waiting)), ("skipped", 0), ("running", count(.running)), ("completed", count(.completed)),
                ("canceled", count(.canceled)), ("failed", count(.failed)), ("canceling", count(.canceling)),
                ("group_progress_reports", .array([])),
                (
                    "tasks",
                    .array(
                        tasks.map {
                            .object([
                                ("pulp_href", .string(Href.of(.task, $0.uuid))), ("prn", .string(Href.prn(.task, $0.uuid))),
                                ("name", .string($0.name)), ("state", .string($0.state.rawValue)),
                            ])
                        })
                ),
            ]))
    }

    /// `status/`: the versions pulp-glue checks against the document's, and the server's
    /// state; answered without credentials, as Pulp does.
    func status(_ request: Request) async throws -> Response {
        let versions = OpenAPIDocument.versions.map { component, version in
            JSONValue.object([
                ("component", .string(component)), ("version", .string(version)),
                ("package", .string(component == "core" ? "pulpcore" : "pulp-python")),
                ("module", .string(component == "core" ? "pulpcore.app" : "pulp_python.app")), ("domain_compatible", true),
            ])
        }
        let process = JSONValue.object([
            ("name", .string("\(ProcessInfo.processInfo.processIdentifier)@\(ProcessInfo.processInfo.hostName)")),
            ("last_heartbeat", .string(Timestamp.now().iso8601)),
            ("versions", .object(OpenAPIDocument.versions.map { ($0.0, .string($0.1)) })),
        ])
        let connected = (try? await store.generation()) != nil
        var storage: JSONValue = .null
        if let attributes = try? FileManager.default.attributesOfFileSystem(forPath: store.blobs.root.string),
            let total = (attributes[.systemSize] as? NSNumber)?.int64Value, let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value
        {
            storage = .object([("total", .integer(total)), ("used", .integer(total - free)), ("free", .integer(free))])
        }
        return APIResponse.json(
            .object([
                ("versions", .array(versions)), ("online_workers", .array([process])), ("online_api_apps", .array([process])),
                ("online_content_apps", .array([process])), ("database_connection", .object([("connected", .bool(connected))])),
                ("redis_connection", .object([("connected", false)])), ("storage", storage),
                ("content_settings", .object([("content_origin", .string(server.origin(request))), ("content_path_prefix", "/pulp/content/")])),
                ("domain_enabled", false),
            ]))
    }
}
