import Hummingbird
import IndexServer

/// Every operation served, with Pulp's operationIds: the table both the router and the
/// OpenAPI document are built from.
extension ManagementRoutes {
    var operations: [APIOperation] {
        typealias Operation = APIOperation
        typealias Parameter = APIOperation.Parameter
        let json: [Operation.BodyType] = [.json, .form, .multipart]
        let repository = Operation.Path.item(.repository, parameter: Operation.repositoryHref)
        let remote = Operation.Path.item(.remote, parameter: "python_python_remote_href")
        let distribution = Operation.Path.item(.distribution, parameter: "python_python_distribution_href")
        let publication = Operation.Path.item(.publication, parameter: "python_python_publication_href")
        let package = Operation.Path.item(.package, parameter: "python_python_package_content_href")
        let task = Operation.Path.item(.task, parameter: "task_href")
        let upload = Operation.Path.item(.upload, parameter: "upload_href")
        return [
            Operation(id: "status_read", method: .get, path: .fixed("status/"), responses: [200], secured: false) { request, _ in
                try await status(request)
            },

        ]
            + crud(
                "repositories_python_python", repository, list: .list(.repository), filters: ListFilter.names, created: 201,
                list: { request, _ in try await listRepositories(request) }, create: { request, _ in try await createRepository(request) },
                read: readRepository, update: updateRepository, delete: { _, context in try await deleteRepository(context) })
            + [
            Operation(
                id: "repositories_python_python_sync", method: .post, path: .item(.repository, parameter: Operation.repositoryHref, suffix: "sync/"),
                bodies: json, responses: [202]
            ) { request, context in try await syncRepository(request, context) },
            Operation(
                id: "repositories_python_python_modify", method: .post,
                path: .item(.repository, parameter: Operation.repositoryHref, suffix: "modify/"), bodies: json, responses: [202]
            ) { request, context in try await modifyRepository(request, context) },
            Operation(id: "repositories_python_python_versions_list", method: .get, path: .versions, query: Parameter.paging, responses: [200]) {
                request, context in try await listVersions(request, context)
            },
            Operation(id: "repositories_python_python_versions_read", method: .get, path: .version, query: Parameter.reading, responses: [200]) {
                request, context in try await readVersion(request, context)
            },

        ]
            + crud(
                "remotes_python_python", remote, list: .list(.remote), filters: ListFilter.names, created: 201,
                list: { request, _ in try await listRemotes(request) }, create: { request, _ in try await createRemote(request) },
                read: readRemote, update: updateRemote, delete: { _, context in try await deleteRemote(context) })
            + crud(
                "users", .item(.user, parameter: "auth_user_href"), list: .list(.user), filters: Self.userFilters, created: 201, updated: 200,
                deleted: 204, list: listUsers, create: createUser, read: readUser, update: updateUser,
                delete: { _, context in try await deleteUser(context) })
            + crud(
                "upstream_pulps", .item(.upstreamPulp, parameter: "upstream_pulp_href"), list: .list(.upstreamPulp), filters: ListFilter.names,
                created: 201, updated: 200, deleted: 204, list: { request, _ in try await listUpstreamPulps(request) },
                create: { request, _ in try await createUpstreamPulp(request) }, read: readUpstreamPulp, update: updateUpstreamPulp,
                delete: { _, context in try await deleteUpstreamPulp(context) })
            + crud(
                "distributions_python_pypi", distribution, list: .list(.distribution), filters: ListFilter.names + ListFilter.basePathNames,
                created: 202, list: { request, _ in try await listDistributions(request) },
                create: { request, _ in try await createDistribution(request) }, read: readDistribution, update: updateDistribution,
                delete: { _, context in try await deleteDistribution(context) })
            + [
            Operation(
                id: "distributions_python_pypi_set_label", method: .post,
                path: .item(.distribution, parameter: "python_python_distribution_href", suffix: "set_label/"), bodies: json, responses: [201]
            ) { request, context in try await setLabel(request, context, set: true) },
            Operation(
                id: "distributions_python_pypi_unset_label", method: .post,
                path: .item(.distribution, parameter: "python_python_distribution_href", suffix: "unset_label/"), bodies: json, responses: [201]
            ) { request, context in try await setLabel(request, context, set: false) },

            Operation(id: "publications_python_pypi_list", method: .get, path: .list(.publication), query: Parameter.paging, responses: [200]) {
                request, _ in try await listPublications(request)
            },
            Operation(id: "publications_python_pypi_create", method: .post, path: .list(.publication), bodies: json, responses: [202]) { request, _ in
                try await createPublication(request)
            },
            Operation(id: "publications_python_pypi_read", method: .get, path: publication, query: Parameter.reading, responses: [200]) {
                request, context in try await readPublication(request, context)
            },
            Operation(id: "publications_python_pypi_delete", method: .delete, path: publication, responses: [204]) { _, context in
                try await deletePublication(context)
            },

            Operation(
                id: "content_python_packages_list", method: .get, path: .list(.package), query: Parameter.list(Self.contentFilters), responses: [200]
            ) { request, _ in try await listPackages(request) },
            Operation(
                id: "content_python_packages_create", method: .post, path: .list(.package), bodies: [.multipart, .form], responses: [202]
            ) { request, context in try await createPackage(request, context) },
            Operation(id: "content_python_packages_read", method: .get, path: package, query: Parameter.reading, responses: [200]) {
                request, context in try await readPackage(request, context)
            },

            Operation(
                id: "content_python_provenance_list", method: .get, path: .list(.provenance), query: Parameter.list(["package", "package__in"]),
                responses: [200]
            ) { request, _ in try await listProvenance(request) },
            Operation(
                id: "content_python_provenance_create", method: .post, path: .list(.provenance), bodies: [.multipart], responses: [202]
            ) { request, _ in try await createProvenance(request) },
            Operation(
                id: "content_python_provenance_read", method: .get, path: .item(.provenance, parameter: "python_package_provenance_href"),
                query: Parameter.reading, responses: [200]
            ) { request, context in try await readProvenance(request, context) },

            Operation(id: "artifacts_list", method: .get, path: .list(.artifact), query: Parameter.list(Self.artifactFilters), responses: [200]) {
                request, _ in try await listArtifacts(request)
            },
            Operation(
                id: "artifacts_read", method: .get, path: .item(.artifact, parameter: "artifact_href"), query: Parameter.reading, responses: [200]
            ) { request, context in try await readArtifact(request, context) },
            Operation(id: "uploads_create", method: .post, path: .list(.upload), bodies: json, responses: [201]) { request, _ in
                try await createUpload(request)
            },
            Operation(id: "uploads_read", method: .get, path: upload, query: Parameter.reading, responses: [200]) { _, context in
                try await readUpload(context)
            },
            Operation(id: "uploads_update", method: .put, path: upload, headers: ["Content-Range"], bodies: [.multipart], responses: [200]) {
                request, context in try await putChunk(request, context)
            },
            Operation(id: "uploads_delete", method: .delete, path: upload, responses: [204]) { _, context in try await deleteUpload(context) },
            Operation(id: "orphans_cleanup_cleanup", method: .post, path: .fixed("orphans/cleanup/"), bodies: json, responses: [202]) { request, _ in
                try await cleanUpOrphans(request)
            },

            Operation(id: "tasks_list", method: .get, path: .list(.task), query: Parameter.list(Self.taskFilters), responses: [200]) { request, _ in
                try await listTasks(request)
            },
            Operation(id: "tasks_read", method: .get, path: task, query: Parameter.reading, responses: [200]) { request, context in
                try await readTask(request, context)
            },
            Operation(id: "tasks_cancel", method: .patch, path: task, bodies: json, responses: [200]) { request, context in
                try await cancelTask(request, context)
            },
            Operation(
                id: "upstream_pulps_replicate", method: .post, path: .item(.upstreamPulp, parameter: "upstream_pulp_href", suffix: "replicate/"),
                bodies: json, responses: [202]
            ) { request, context in try await replicate(request, context) },
            Operation(
                id: "task_groups_read", method: .get, path: .item(.taskGroup, parameter: "task_group_href"), query: Parameter.reading,
                responses: [200]
            ) { request, context in try await readTaskGroup(request, context) },
        ]
    }

    /// list, create, read, partial_update, update and delete for one kind of object.
    private func crud(
        _ prefix: String, _ item: APIOperation.Path, list path: APIOperation.Path, filters: [String], created: Int, updated: Int = 202,
        deleted: Int = 202, list: @escaping APIOperation.Handler, create: @escaping APIOperation.Handler, read: @escaping APIOperation.Handler,
        update: @escaping APIOperation.Handler, delete: @escaping APIOperation.Handler
    ) -> [APIOperation] {
        let bodies: [APIOperation.BodyType] = [.json, .form, .multipart]
        return [
            APIOperation(id: prefix + "_list", method: .get, path: path, query: APIOperation.Parameter.list(filters), responses: [200], handler: list),
            APIOperation(id: prefix + "_create", method: .post, path: path, bodies: bodies, responses: [created], handler: create),
            APIOperation(id: prefix + "_read", method: .get, path: item, query: APIOperation.Parameter.reading, responses: [200], handler: read),
            APIOperation(id: prefix + "_partial_update", method: .patch, path: item, bodies: bodies, responses: [updated], handler: update),
            APIOperation(id: prefix + "_update", method: .put, path: item, bodies: bodies, responses: [updated], handler: update),
            APIOperation(id: prefix + "_delete", method: .delete, path: item, responses: [deleted], handler: delete),
        ]
    }
}
