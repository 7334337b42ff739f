import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging

/// `artifacts/`: the stored files, read-only (they come with content). An artifact's
/// identifier is its sha256's first 128 bits in UUID form.
extension ManagementRoutes {
    static let artifactFilters = ["sha256", "md5", "sha1", "sha224", "sha384", "sha512", "ordering"]

    func listArtifacts(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        for unrecorded in ["md5", "sha1", "sha224", "sha384", "sha512"] where query.get(unrecorded) != nil {
            throw APIFailure.field(unrecorded, "Wheelhouse records artifacts by sha256; filter by sha256.")
        }
        if let ordering = query.get("ordering"), !ordering.isEmpty {
            throw APIFailure.field("ordering", "Artifacts are listed oldest first; ordering is not supported.")
        }
        var digest: SHA256Digest?
        if let text = query.get("sha256") {
            guard let parsed = SHA256Digest(hex: text) else { throw APIFailure.field("sha256", "Give 64 hexadecimal digits.") }
            digest = parsed
        }
        let page = try Page(request)
        let (count, artifacts) = try await store.artifacts(sha256: digest, offset: page.offset, limit: page.limit)
        return APIResponse.json(page.render(count: count, results: artifacts.map(Self.present), request: request))
    }

    func readArtifact(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let uuid = try Self.uuid(context, "Artifact")
        let artifact = try await store.artifact(prefix: uuid.replacingOccurrences(of: "-", with: ""))
        return APIResponse.json(FieldSelection(request).apply(Self.present(artifact)))
    }

    static func present(_ artifact: StoredArtifact) -> JSONValue {
        let id = Presenter.artifactID(artifact.sha256)
        let hex = artifact.sha256.hex
        return .object(
            Presenter.header(.artifact, id, created: artifact.createdAt, updated: nil) + [
                ("file", .string("artifacts/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)")), ("size", .integer(artifact.size)),
                ("md5", .string(artifact.md5)), ("sha1", .null), ("sha224", .null), ("sha256", .string(hex)), ("sha384", .null), ("sha512", .null),
            ])
    }
}
