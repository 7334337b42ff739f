import ContentStore
import Foundation
import Hummingbird
import IndexServer
import PythonPackaging

/// `content/python/provenance/`: PEP 740 provenance, one per package. It belongs to its
/// package rather than being added to repositories on its own (see docs/management-api.md).
extension ManagementRoutes {
    func listProvenance(_ request: Request) async throws -> Response {
        var packages: [String]?
        for (name, value) in Self.parameters(request) where name == "package" || name == "package__in" {
            let references = value.split(separator: ",").map(String.init)
            packages = try references.map { reference throws(APIFailure) in
                guard let uuid = Href.uuid(reference, of: .package) else { throw APIFailure.field(name, "Invalid hyperlink - No URL match.") }
                return uuid
            }
        }
        let page = try Page(request)
        let (count, provenances) = try await store.provenances(packageUUIDs: packages, offset: page.offset, limit: page.limit)
        return APIResponse.json(page.render(count: count, results: provenances.map(Presenter.provenance), request: request))
    }

    func readProvenance(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let provenance = try await store.provenance(uuid: try Self.uuid(context, "Package Provenance"))
        return APIResponse.json(FieldSelection(request).apply(Presenter.provenance(provenance)))
    }

    /// `POST content/python/provenance/`: a multipart `file` (the provenance JSON) for the
    /// `package` named. Its shape and each attestation's subject (filename and sha256) are
    /// checked against the package whatever `verify` says; signatures are not verified here.
    func createProvenance(_ request: Request) async throws -> Response {
        guard let boundary = request.headers[.contentType].flatMap(MultipartParser.boundary(fromContentType:)) else {
            throw APIFailure.field("file", "This field is required: send the provenance JSON as multipart/form-data.")
        }
        let form = try await UploadForm.receive(
            request.body, boundary: boundary, blobs: store.blobs, maximumFileSize: Int64(Provenance.maximumSize), filePart: "file")
        guard let file = form.file else { throw APIFailure.field("file", "This field is required.") }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file.written.path.string))
        await store.blobs.discard(file.written)
        guard let reference = form.fields["package"], let uuid = Href.uuid(reference, of: .package),
            let package = try? await store.package(uuid: uuid)
        else { throw APIFailure.field("package", "Invalid hyperlink - Object does not exist.") }
        let provenance: Provenance
        do {
            provenance = try Provenance(parsing: Array(bytes))
            try provenance.check(filename: package.filename, sha256: package.sha256)
        } catch {
            throw APIFailure.field("provenance", error.message)
        }
        return try await queuedTask("pulpcore.app.tasks.base.general_create", []) { [store] in
            if let existing = try await store.provenanceUUIDs(packageIDs: [package.id])[package.id] {
                throw TaskFailure("the package \(package.filename) has a provenance already (\(Href.of(.provenance, existing)))")
            }
            try await store.recordProvenance([(package.id, provenance)])
            let stored = try await store.provenance(packageID: package.id)
            guard let stored else { throw TaskFailure("the provenance of \(package.filename) was not recorded") }
            return TaskResult(createdResources: [Href.of(.provenance, stored.uuid)], result: Presenter.provenance(stored))
        }
    }

    /// The provenance of attestations sent with a package (`attestations`: a JSON array), as
    /// one bundle published by the account that signed in; 400 naming the problem.
    func uploadedProvenance(_ attestations: String?, _ context: IndexRequestContext) throws -> Provenance? {
        guard let attestations, !attestations.isEmpty else { return nil }
        let username = context.signedIn?.username ?? ""
        do {
            return try Provenance(uploadedAttestations: attestations, publisher: .object([("kind", "Wheelhouse user"), ("username", .string(username))]))
        } catch {
            throw APIFailure.field("attestations", "Invalid attestations: \(error.message)")
        }
    }
}
