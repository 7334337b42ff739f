import ContentStore
import Crypto
import Digests
import HTTPTypes
import NIOCore
import PythonPackaging
import Synchronization

/// A page as served, with its strong ETag.
struct RenderedPage: Sendable {
    let body: ByteBuffer
    let etag: String
}

/// A file a distribution serves: where its bytes are and the headers that describe them,
/// built once.
struct ServedFile: Sendable {
    let package: Package
    /// The `.metadata` file (PEP 658) rather than the distribution itself.
    let isMetadata: Bool
    let sha256: PythonPackaging.SHA256Digest
    /// The strong validator: the sha256, quoted.
    let etag: String
    /// `Content-Type`, `ETag`, `Last-Modified`, `Accept-Ranges` and `Cache-Control` (immutable).
    let headers: HTTPFields

    /// The name it is served under.
    var filename: String { isMetadata ? package.filename + ".metadata" : package.filename }

    init(package: Package, isMetadata: Bool) {
        self.package = package
        self.isMetadata = isMetadata
        sha256 = isMetadata ? package.metadataSHA256 ?? package.sha256 : package.sha256
        etag = "\"\(sha256.hex)\""
        headers = [
            .contentType: "application/octet-stream", .eTag: etag,
            .lastModified: HTTPDate.format(package.uploadTime), .acceptRanges: "bytes", .cacheControl: "max-age=31536000, immutable, public",
        ]
    }

    /// The file `lookup` finds under `filename`, or else, for a name ending in `.metadata`, the
    /// PEP 658 metadata file of the one named without it (when it has one).
    static func find(_ filename: String, lookup: (String) async throws -> Package?) async throws -> ServedFile? {
        if let package = try await lookup(filename) { return ServedFile(package: package, isMetadata: false) }
        guard filename.hasSuffix(".metadata"), let package = try await lookup(String(filename.dropLast(9))), package.metadataSHA256 != nil
        else { return nil }
        return ServedFile(package: package, isMetadata: true)
    }
}

/// Everything rendered for one distribution at one generation of the store, filled lazily,
/// with the origin left as a placeholder (`PageTemplate`).
final class DistributionPages: Sendable {
    let content: ServedContent
    let root = Mutex<(html: PageTemplate, json: PageTemplate)?>(nil)
    /// Per normalized project name: its pages.
    let projects = Mutex<[String: ProjectPages]>([:])
    let files = Mutex<[String: ServedFile]>([:])
    /// Warehouse JSON documents by `project/version`.
    let jsonAPI = Mutex<[String: PageTemplate]>([:])
    /// pulp_python's summary (`/pypi/<base>/`), counted on first use.
    let summary = Mutex<[UInt8]?>(nil)

    init(content: ServedContent) {
        self.content = content
    }

    /// Where a file is downloaded from: PyPI's layout, by sha256 (`/packages/ab/cd/ef…/name`),
    /// which mirrors such as bandersnatch expect.
    func fileURL(_ package: Package) -> String { PageTemplate.origin + FileLocation.path(sha256: package.sha256, filename: package.filename) }

    /// Where a file's PEP 740 provenance is served: pulp_python's Integrity API path.
    func provenanceURL(_ package: Package) -> String {
        PageTemplate.origin + "/pypi/" + URLPath.escape(content.distribution.basePath) + "/integrity/" + URLPath.escape(package.nameNormalized) + "/"
            + URLPath.escape(package.version) + "/" + URLPath.escape(package.filename) + "/provenance/"
    }
}

/// One project's pages in a distribution.
struct ProjectPages: Sendable {
    let project: ServedProject
    let html: PageTemplate
    let json: PageTemplate
}

/// Rendered pages by distribution, dropped whenever the store's generation changes, so that
/// pages are rendered once per change rather than once per request, whatever origin asks.
final class IndexCache: Sendable {
    let store: ContentStore

    private struct State {
        var generation: Int64 = -1
        /// By base path.
        var pages: [String: DistributionPages] = [:]
        /// Files looked up by `/packages/…` path.
        var packageFiles: [String: ServedFile] = [:]
    }

    private let state = Mutex(State())

    init(store: ContentStore) { self.store = store }

    /// The pages of the distribution at `basePath`, or nil if there is none.
    func pages(basePath: String) async throws -> DistributionPages? {
        if let cached = state.withLock({ $0.pages[basePath] }) { return cached }
        let generation = state.withLock { $0.generation }
        guard let content = try await store.servedContent(basePath: basePath) else { return nil }
        let pages = DistributionPages(content: content)
        return state.withLock { state in
            // Kept only if nothing changed while it was loaded.
            if let kept = state.pages[basePath] { return kept }
            if state.generation == generation { state.pages[basePath] = pages }
            return pages
        }
    }

    /// Drops everything if the store changed since the last look.
    func refresh() async throws {
        let generation = try await store.generation()
        state.withLock { state in
            if state.generation != generation { state = State(generation: generation) }
        }
    }

    /// Drops everything now (after this process changed the store).
    func invalidate() async throws {
        let generation = try await store.generation()
        state.withLock { $0 = State(generation: generation) }
    }

    /// The file at a `/packages/ab/cd/ef…/filename` location (or its `.metadata`).
    func packageFile(sha256: PythonPackaging.SHA256Digest, filename: String) async throws -> ServedFile? {
        let key = FileLocation.path(sha256: sha256, filename: filename)
        let (cached, generation) = state.withLock { ($0.packageFiles[key], $0.generation) }
        if let cached { return cached }
        let found = try await ServedFile.find(filename) { try await store.file(sha256: sha256, filename: $0) }
        // Only what exists is remembered, under its one canonical path (URLs made up by a
        // client must not grow the cache), and only if the store did not change meanwhile.
        if let found {
            state.withLock { state in
                if state.generation == generation { state.packageFiles[key] = found }
            }
        }
        return found
    }

    /// A file served before, by the exact request path its links use
    /// (`FileLocation.path`): repeated downloads skip taking the path apart. Any other
    /// spelling of the same file (other escapes, upper-case digits) finds nothing here.
    func servedPackageFile(atPath path: String) -> ServedFile? {
        state.withLock { $0.packageFiles[path] }
    }
}

extension DistributionPages {
    /// The root pages, rendered on first use.
    func rootPages(store: ContentStore) async throws -> (html: PageTemplate, json: PageTemplate) {
        if let rendered = root.withLock({ $0 }) { return rendered }
        let projects = try await store.projects(in: content)
        let page = SimpleRootPage(
            projects: projects.map { SimpleProjectLink(name: $0.name, normalized: $0.normalized, lastSerial: $0.lastSerial) },
            lastSerial: content.lastSerial)
        let rendered = (PageTemplate(page.html()), PageTemplate(page.json()))
        root.withLock { $0 = rendered }
        return rendered
    }

    /// A project's pages, rendered on first use; nil when the distribution does not have it.
    func projectPages(_ normalized: String, store: ContentStore) async throws -> ProjectPages? {
        if let cached = projects.withLock({ $0[normalized] }) { return cached }
        guard let project = try await store.project(normalized, in: content) else { return nil }
        let page = SimpleProjectPage(project, fileURL: fileURL, provenanceURL: provenanceURL)
        let rendered = ProjectPages(project: project, html: PageTemplate(page.html()), json: PageTemplate(page.json()))
        // Only projects that exist are remembered: names made up by clients must not grow the cache.
        projects.withLock { $0[normalized] = rendered }
        return rendered
    }

    /// The file (or `.metadata` file) named `filename`, looked up on first use.
    func file(_ filename: String, store: ContentStore) async throws -> ServedFile? {
        if let cached = files.withLock({ $0[filename] }) { return cached }
        let found = try await ServedFile.find(filename) { try await store.file(named: $0, in: content)?.package }
        if let found { files.withLock { $0[filename] = found } }
        return found
    }
}

extension SimpleProjectPage {
    /// The page for a project as a distribution serves it.
    init(_ project: ServedProject, fileURL: (Package) -> String, provenanceURL: (Package) -> String) {
        let files = project.files.map { entry in
            SimpleFile(
                filename: entry.package.filename, url: fileURL(entry.package), sha256: entry.package.sha256,
                requiresPython: entry.package.requiresPython.flatMap { $0.isEmpty ? nil : $0 },
                coreMetadataSHA256: entry.package.metadataSHA256,
                yanked: entry.yanked ? .yanked(reason: entry.yankedReason) : .notYanked, size: entry.package.size,
                uploadTime: entry.package.uploadTime.iso8601, provenanceURL: entry.hasProvenance ? provenanceURL(entry.package) : nil)
        }
        self.init(
            name: project.name, files: files, versions: VersionList.sorted(project.files.map(\.package.version)), lastSerial: project.lastSerial,
            status: project.status, statusReason: project.statusReason)
    }
}

/// The PyPI-style location of a stored file: `/packages/<2>/<2>/<60>/<filename>` from its sha256.
enum FileLocation {
    static func path(sha256: PythonPackaging.SHA256Digest, filename: String) -> String {
        // Digests are ASCII: slicing their UTF-8 avoids Character indexing.
        let digits = sha256.hex.utf8
        return "/packages/" + String(decoding: digits.prefix(2), as: UTF8.self) + "/"
            + String(decoding: digits.dropFirst(2).prefix(2), as: UTF8.self) + "/"
            + String(decoding: digits.dropFirst(4), as: UTF8.self) + "/" + URLPath.escape(filename)
    }
}
