import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging
import Replication

/// `content/python/packages/`: list and read packages, and create one from an uploaded file
/// (pulp-cli's `content upload`).
extension ManagementRoutes {
    static let contentFilters = [
        "name", "name__in", "name__contains", "filename", "sha256", "version", "packagetype", "packagetype__in", "repository_version",
        "repository_version_added", "repository_version_removed",
    ]

    func listPackages(_ request: Request) async throws -> Response {
        let query = try await packageQuery(request)
        let page = try Page(request)
        let (count, packages) = try await store.packages(query, offset: page.offset, limit: page.limit)
        let provenances = try await store.provenanceUUIDs(packageIDs: packages.map(\.id))
        let results = packages.map { Presenter.package($0, provenance: provenances[$0.id]) }
        return APIResponse.json(page.render(count: count, results: results, request: request))
    }

    func readPackage(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let package = try await store.package(uuid: try Self.uuid(context, "Python Package Content"))
        let provenance = try await store.provenanceUUIDs(packageIDs: [package.id])[package.id]
        return APIResponse.json(FieldSelection(request).apply(Presenter.package(package, provenance: provenance)))
    }

    private func packageQuery(_ request: Request) async throws -> PackageQuery {
        var query = PackageQuery()
        for (name, value) in Self.parameters(request) {
            let list = value.split(separator: ",").map(String.init)
            switch name {
            case "name": query.names = [value]
            case "name__in": query.names = list
            case "name__contains": query.nameContains = value
            case "filename": query.filename = value
            case "sha256":
                guard let digest = SHA256Digest(hex: value) else { throw APIFailure.field("sha256", "Give 64 hexadecimal digits.") }
                query.sha256 = digest
            case "version": query.version = value
            case "packagetype": query.packageTypes = [value]
            case "packagetype__in": query.packageTypes = list
            case "repository_version": query.presentIn = try await versionReference(value, name)
            case "repository_version_added": query.addedIn = try await versionReference(value, name)
            case "repository_version_removed": query.removedIn = try await versionReference(value, name)
            default: break
            }
        }
        return query
    }

    private func versionReference(_ href: String, _ field: String) async throws -> VersionReference {
        guard let (uuid, number) = Href.version(href), let repository = try? await store.repository(uuid: uuid) else {
            throw APIFailure.field(field, "Select a valid choice. That choice is not one of the available choices.")
        }
        return VersionReference(repositoryID: repository.id, number: number)
    }

    /// `POST content/python/packages/` with a multipart `file` (and `relative_path`, the
    /// filename; `repository` to add it there too; `attestations`, PEP 740). The file is
    /// received, then checked and stored as a task, as PyPI checks uploads; the same bytes
    /// again answer the package already stored.
    func createPackage(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        guard let boundary = request.headers[.contentType].flatMap(MultipartParser.boundary(fromContentType:)) else {
            return try await createPackageFromUpload(request, context)
        }
        let form = try await UploadForm.receive(
            request.body, boundary: boundary, blobs: store.blobs, maximumFileSize: server.configuration.maximumUploadSize, filePart: "file")
        guard let file = form.file else { throw APIFailure.field("file", "This field is required.") }
        do {
            let filename = form.fields["relative_path"].flatMap { $0.isEmpty ? nil : $0 } ?? file.filename
            guard DistributionFilename.isSafe(filename) else {
                throw APIFailure.field("relative_path", "'\(filename)' is not a distribution filename without a path.")
            }
            var repository: Repository?
            if let href = form.fields["repository"], !href.isEmpty {
                guard let uuid = Href.uuid(href, of: .repository), let found = try? await store.repository(uuid: uuid) else {
                    throw APIFailure.field("repository", "Invalid hyperlink - Object does not exist.")
                }
                repository = found
            }
            let provenance = try uploadedProvenance(form.fields["attestations"], context)
            do {
                try provenance?.check(filename: filename, sha256: file.written.digests.sha256)
            } catch {
                throw APIFailure.field("attestations", "Attestations failed verification: \(error.message)")
            }
            let resources: Set<String> = repository.map { [Href.prn(.repository, $0.uuid)] } ?? []
            return try await queuedTask("pulpcore.app.tasks.base.general_create", resources) { [store, repository] in
                try await ingest(file.written, filename: filename, into: repository, provenance: provenance, store: store)
            }
        } catch {
            await store.blobs.discard(file.written)
            throw error
        }
    }

    /// Content from a URL to download (`file_url`), a chunked upload (`upload`: its href, used
    /// up) or a stored file (`artifact`), form-encoded or JSON.
    private func createPackageFromUpload(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let fields = try await RequestFields.read(request)
        var upload: StoredUpload?
        var artifact: StoredArtifact?
        let fileURL = try fields.string("file_url")
        if let fileURL {
            guard fileURL.hasPrefix("http://") || fileURL.hasPrefix("https://") else {
                throw APIFailure.field("file_url", "Enter a valid http or https URL.")
            }
        } else if let reference = try fields.string("upload") {
            guard let uuid = Href.uuid(reference, of: .upload), let found = try? await store.upload(uuid: uuid) else {
                throw APIFailure.field("upload", "Invalid hyperlink - Object does not exist.")
            }
            upload = found
        } else if let reference = try fields.string("artifact") {
            guard let uuid = Href.uuid(reference, of: .artifact), let found = try? await store.artifact(prefix: uuid.replacingOccurrences(of: "-", with: ""))
            else { throw APIFailure.field("artifact", "Invalid hyperlink - Object does not exist.") }
            artifact = found
        } else {
            throw APIFailure.field("file", "This field is required: send the file as multipart/form-data, an upload's href or an artifact's.")
        }
        let filename = try fields.requiredString("relative_path")
        guard DistributionFilename.isSafe(filename) else {
            throw APIFailure.field("relative_path", "'\(filename)' is not a distribution filename without a path.")
        }
        let repository = try await Self.reference(fields, "repository", .repository).asyncMap { uuid in
            do { return try await store.repository(uuid: uuid) } catch { throw APIFailure.field("repository", "Invalid hyperlink - Object does not exist.") }
        }
        let provenance = try uploadedProvenance(try fields.string("attestations"), context)
        var resources = Set(upload.map { [Href.prn(.upload, $0.uuid)] } ?? [])
        if let repository { resources.insert(Href.prn(.repository, repository.uuid)) }
        return try await queuedTask("pulpcore.app.tasks.base.general_create", resources) { [store, repository, upload, artifact, logger = runner.logger] in
            if let fileURL {
                let blob: WrittenBlob
                do {
                    blob = try await URLFetcher.fetch(fileURL, filename: filename, into: store.blobs, logger: logger)
                } catch {
                    throw TaskFailure("could not download \(fileURL): \(error)")
                }
                return try await ingest(blob, filename: filename, into: repository, provenance: provenance, store: store)
            }
            if let upload {
                let blob = try await store.assemble(upload: upload.uuid)
                let result = try await ingest(blob, filename: filename, into: repository, provenance: provenance, store: store)
                try await store.deleteUpload(uuid: upload.uuid)
                return result
            }
            guard let artifact else { throw TaskFailure("nothing to create the content from") }
            let blob = try await store.copyStoredFile(sha256: artifact.sha256)
            return try await ingest(blob, filename: filename, into: repository, provenance: provenance, store: store)
        }
    }

    /// Stores a file as a package (or finds the one stored with the same bytes), with its
    /// provenance, and adds it to `repository` when given.
    private func ingest(
        _ blob: WrittenBlob, filename: String, into repository: Repository?, provenance: Provenance?, store: ContentStore
    ) async throws -> TaskResult {
        do {
            try provenance?.check(filename: filename, sha256: blob.digests.sha256)
        } catch {
            await store.blobs.discard(blob)
            throw TaskFailure("the attestations failed verification: \(error.message)")
        }
        let package: Package
        if let existing = try await store.storedPackage(filename: filename, sha256: blob.digests.sha256) {
            await store.blobs.discard(blob)
            package = existing
        } else if let repository {
            package = try await store.ingestUpload(blob, filename: filename, repositoryID: repository.id)
        } else {
            package = try await store.ingest(blob, filename: filename, uploadTime: .now(), strict: true)
        }
        let provenances = provenance.map { [(packageID: package.id, provenance: $0)] } ?? []
        var created: [String] = []
        if let repository {
            if let version = try await store.addUploads([package], repositoryID: repository.id, provenances: provenances) {
                created.append(Href.version(repository: repository.uuid, number: version.number))
            }
        } else {
            try await store.recordProvenance(provenances)
        }
        created.append(Href.of(.package, package.uuid))
        let recorded = try await store.provenanceUUIDs(packageIDs: [package.id])[package.id]
        if let recorded, provenance != nil { created.append(Href.of(.provenance, recorded)) }
        return TaskResult(createdResources: created, result: Presenter.package(package, provenance: recorded))
    }
}
