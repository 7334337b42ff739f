import ContentStore
import Crypto
import Digests
import HTTPTypes
import NIOCore
import PythonPackaging
import Synchronization

/// A page rendered once and served many times, with its strong ETag.
struct RenderedPage: Sendable {
    let body: ByteBuffer
    let etag: String

    init(_ bytes: [UInt8]) {
        body = ByteBuffer(bytes: bytes)
        etag = "\"" + Hex.encode(SHA256.hash(data: bytes).prefix(12)) + "\""
    }
}

/// A file a distribution serves: where its bytes are and the headers that describe them,
/// built once.
struct ServedFile: Sendable {
    let package: Package
    /// The `.metadata` file (PEP 658) rather than the distribution itself.
    let isMetadata: Bool
    let sha256: String
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
        etag = "\"\(sha256)\""
        headers = [
            .contentType: "application/octet-stream", .eTag: etag,
            .lastModified: HTTPDate.format(package.uploadTime), .acceptRanges: "bytes", .cacheControl: "max-age=31536000, immutable, public",
        ]
    }
}

/// Everything rendered for one distribution at one generation of the store, filled lazily.
final class DistributionPages: Sendable {
    let content: ServedContent
    let origin: String
    let root = Mutex<(html: RenderedPage, json: RenderedPage)?>(nil)
    /// Per normalized project name: its pages.
    let projects = Mutex<[String: ProjectPages]>([:])
    let files = Mutex<[String: ServedFile]>([:])
    /// Warehouse JSON documents by `project/version`.
    let jsonAPI = Mutex<[String: RenderedPage]>([:])

    init(content: ServedContent, origin: String) {
        self.content = content
        self.origin = origin
    }

    /// Where a file is downloaded from: PyPI's layout, by sha256 (`/packages/ab/cd/ef…/name`),
    /// which mirrors such as bandersnatch expect.
    func fileURL(_ package: Package) -> String { "\(origin)\(FileLocation.path(sha256: package.sha256, filename: package.filename))" }
}

/// One project's pages in a distribution.
struct ProjectPages: Sendable {
    let project: ServedProject
    let html: RenderedPage
    let json: RenderedPage
}

/// Rendered pages by distribution, dropped whenever the store's generation changes, so that
/// pages are rendered once per change rather than once per request.
final class IndexCache: Sendable {
    let store: ContentStore
    private let state = Mutex<(generation: Int64, pages: [String: DistributionPages])>((-1, [:]))
    /// Files looked up by `/packages/…` path, dropped with the pages.
    private let packageFiles = Mutex<[String: ServedFile]>([:])

    init(store: ContentStore) { self.store = store }

    /// The pages of the distribution at `basePath` as seen from `origin`, or nil if there is none.
    func pages(basePath: String, origin: String) async throws -> DistributionPages? {
        let key = origin + "|" + basePath
        if let cached = state.withLock({ $0.pages[key] }) { return cached }
        let generation = state.withLock { $0.generation }
        guard let content = try await store.servedContent(basePath: basePath) else { return nil }
        let pages = DistributionPages(content: content, origin: origin)
        state.withLock { state in
            // Keep it only if nothing changed while it was loaded.
            if state.generation == generation { state.pages[key] = state.pages[key] ?? pages }
        }
        return pages
    }

    /// Drops everything if the store changed since the last look.
    func refresh() async throws {
        let generation = try await store.generation()
        let changed = state.withLock { state in
            guard state.generation != generation else { return false }
            state = (generation, [:])
            return true
        }
        if changed { packageFiles.withLock { $0 = [:] } }
    }

    /// Drops everything now (after this process changed the store).
    func invalidate() async throws {
        let generation = try await store.generation()
        state.withLock { $0 = (generation, [:]) }
        packageFiles.withLock { $0 = [:] }
    }

    /// The file at a `/packages/ab/cd/ef…/filename` location (or its `.metadata`).
    func packageFile(sha256: String, filename: String) async throws -> ServedFile? {
        let key = FileLocation.path(sha256: sha256, filename: filename)
        if let cached = packageFiles.withLock({ $0[key] }) { return cached }
        var found: ServedFile?
        if let package = try await store.file(sha256: sha256, filename: filename) {
            found = ServedFile(package: package, isMetadata: false)
        } else if filename.hasSuffix(".metadata"), let package = try await store.file(sha256: sha256, filename: String(filename.dropLast(9))),
            package.metadataSHA256 != nil
        {
            found = ServedFile(package: package, isMetadata: true)
        }
        // Only what exists is remembered, under its one canonical path: URLs made up by a
        // client must not grow the cache.
        if let found { packageFiles.withLock { $0[key] = found } }
        return found
    }

    /// A file served before, by the exact request path its links use
    /// (`FileLocation.path`): repeated downloads skip taking the path apart. Any other
    /// spelling of the same file (other escapes, upper-case digits) finds nothing here.
    func servedPackageFile(atPath path: String) -> ServedFile? {
        packageFiles.withLock { $0[path] }
    }
}

extension DistributionPages {
    /// The root pages, rendered on first use.
    func rootPages(store: ContentStore) async throws -> (html: RenderedPage, json: RenderedPage) {
        if let rendered = root.withLock({ $0 }) { return rendered }
        let projects = try await store.projects(in: content)
        let page = SimpleRootPage(
            projects: projects.map { SimpleProjectLink(name: $0.name, normalized: $0.normalized, lastSerial: $0.lastSerial) },
            lastSerial: content.lastSerial)
        let rendered = (RenderedPage(page.html()), RenderedPage(page.json()))
        root.withLock { $0 = rendered }
        return rendered
    }

    /// A project's pages, rendered on first use; nil when the distribution does not have it.
    func projectPages(_ normalized: String, store: ContentStore) async throws -> ProjectPages? {
        if let cached = projects.withLock({ $0[normalized] }) { return cached }
        guard let project = try await store.project(normalized, in: content) else { return nil }
        let page = SimpleProjectPage(project, fileURL: fileURL)
        let rendered = ProjectPages(project: project, html: RenderedPage(page.html()), json: RenderedPage(page.json()))
        // Only projects that exist are remembered: names made up by clients must not grow the cache.
        projects.withLock { $0[normalized] = rendered }
        return rendered
    }

    /// The file (or `.metadata` file) named `filename`, looked up on first use.
    func file(_ filename: String, store: ContentStore) async throws -> ServedFile? {
        if let cached = files.withLock({ $0[filename] }) { return cached }
        var found: ServedFile?
        if let served = try await store.file(named: filename, in: content) {
            found = ServedFile(package: served.package, isMetadata: false)
        } else if filename.hasSuffix(".metadata"), let served = try await store.file(named: String(filename.dropLast(9)), in: content),
            served.package.metadataSHA256 != nil
        {
            found = ServedFile(package: served.package, isMetadata: true)
        }
        if let found { files.withLock { $0[filename] = found } }
        return found
    }
}

extension SimpleProjectPage {
    /// The page for a project as a distribution serves it.
    init(_ project: ServedProject, fileURL: (Package) -> String) {
        let files = project.files.map { entry in
            SimpleFile(
                filename: entry.package.filename, url: fileURL(entry.package), sha256: entry.package.sha256,
                requiresPython: entry.package.requiresPython.flatMap { $0.isEmpty ? nil : $0 },
                coreMetadataSHA256: entry.package.metadataSHA256,
                yanked: entry.yanked ? .yanked(reason: entry.yankedReason) : .notYanked, size: entry.package.size,
                uploadTime: entry.package.uploadTime.iso8601)
        }
        self.init(
            name: project.name, files: files, versions: VersionList.sorted(project.files.map(\.package.version)), lastSerial: project.lastSerial,
            status: project.status, statusReason: project.statusReason)
    }
}

/// The PyPI-style location of a stored file: `/packages/<2>/<2>/<60>/<filename>` from its sha256.
enum FileLocation {
    static func path(sha256: String, filename: String) -> String {
        // Digests are ASCII: slicing their UTF-8 avoids Character indexing.
        let digits = sha256.utf8
        return "/packages/" + String(decoding: digits.prefix(2), as: UTF8.self) + "/"
            + String(decoding: digits.dropFirst(2).prefix(2), as: UTF8.self) + "/"
            + String(decoding: digits.dropFirst(4), as: UTF8.self) + "/" + URLPath.escape(filename)
    }
}
