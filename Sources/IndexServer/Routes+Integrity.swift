import ContentStore
import HTTPTypes
import Hummingbird
import PythonPackaging

extension Routes {
    /// `GET /pypi/<base>/integrity/<project>/<version>/<filename>/provenance/`: PEP 740's
    /// Integrity API, at pulp_python's path. The provenance document as it was received (from
    /// an upload's attestations or from upstream), for a file the distribution serves.
    func provenance(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let project = try Self.projectParameter(context)
        let version = try Self.parameter(context, "version")
        let filename = try Self.parameter(context, "filename")
        let pages = try await distribution(request, context)
        let missing = "'\(filename)' of \(project) \(version) has no provenance in the distribution '\(pages.content.distribution.basePath)'."
        guard DistributionFilename.isSafe(filename), let served = try await store.file(named: filename, in: pages.content),
            served.package.nameNormalized == ProjectName.normalize(project), served.package.version == version,
            let provenance = try await store.provenance(packageID: served.package.id)
        else { throw HTTPFailure(.notFound, missing) }
        return Response(
            status: .ok,
            headers: [.contentType: Provenance.mediaType, .eTag: "\"\(provenance.sha256.hex)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: provenance.document)))
    }
}
