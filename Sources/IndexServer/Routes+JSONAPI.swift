import HTTPTypes
import Hummingbird
import NIOCore
import PythonPackaging

extension Routes {
    /// `GET /pypi/<base>/pypi/<project>/json` and `…/<project>/<version>/json`.
    func projectJSON(_ request: Request, _ context: IndexRequestContext, version: String?) async throws -> Response {
        let raw = try Self.projectParameter(context)
        let normalized = ProjectName.normalize(raw)
        if raw != normalized {
            let base = try Self.parameter(context, "base")
            let suffix = version.map { "\(URLPath.escape($0))/json" } ?? "json"
            return Self.redirect(to: "/pypi/\(URLPath.escape(base))/pypi/\(URLPath.escape(normalized))/\(suffix)", request: request)
        }
        let pages = try await distribution(request, context)
        let base = pages.content.distribution.basePath
        guard let project = try await pages.projectPages(normalized, store: store) else {
            throw HTTPFailure(.notFound, "The project '\(normalized)' is not in the index at /pypi/\(base)/.")
        }
        guard project.project.status.offersFiles else {
            throw HTTPFailure(.notFound, "The project '\(normalized)' is quarantined at /pypi/\(base)/: its files are not offered (PEP 792).")
        }
        let cacheKey = "\(normalized)/\(version ?? "")"
        // Kept only under the spelling of a release that exists: other spellings of it (`1.0`
        // for `1.0.0`) are answered too, but must not grow the cache.
        let cacheable = version.map { wanted in project.project.files.contains { $0.package.version == wanted } } ?? true
        let template: PageTemplate
        if let cached = pages.jsonAPI.withLock({ $0[cacheKey] }) {
            template = cached
        } else {
            let origin = PageTemplate.origin
            let document = WarehouseDocument(
                project: project.project, fileURL: pages.fileURL,
                projectURL: "\(origin)/pypi/\(base)/simple/\(normalized)/", jsonBaseURL: "\(origin)/pypi/\(base)/pypi/\(normalized)/")
            guard let bytes = document.render(version: version) else {
                throw HTTPFailure(.notFound, "The project '\(normalized)' has no release '\(version ?? "")' in the index at /pypi/\(base)/.")
            }
            let rendered = PageTemplate(bytes)
            if cacheable { pages.jsonAPI.withLock { $0[cacheKey] = rendered } }
            template = rendered
        }
        let page = template.page(at: Self.origin(request, configuration))
        var headers: HTTPFields = [
            .contentType: "application/json", .eTag: page.etag, .cacheControl: "max-age=0, must-revalidate",
            .accessControlAllowOrigin: "*",
        ]
        headers[.lastSerial] = String(project.project.lastSerial)
        if request.hasCurrentCopy(etag: page.etag) { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.body))
    }
}
