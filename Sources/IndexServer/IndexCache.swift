import ContentStore
import Crypto
import Digests
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

/// A file a distribution serves: where its bytes are and how to describe them.
struct ServedFile: Sendable {
    let package: Package
    /// The `.metadata` file (PEP 658) rather than the distribution itself.
    let isMetadata: Bool
    let sha256: String
    let lastModified: Timestamp
}

/// Everything rendered for one distribution at one generation of the store, filled lazily.
final class DistributionPages: Sendable {
    let content: ServedContent
    let origin: String
    let root = Mutex<(html: RenderedPage, json: RenderedPage)?>(nil)
    /// Per normalized project name: its pages, or nil when the distribution does not have it.
    let projects = Mutex<[String: ProjectPages?]>([:])
    let files = Mutex<[String: ServedFile?]>([:])
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
    private let packageFiles = Mutex<[String: ServedFile?]>([:])

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
        let key = sha256 + "/" + filename
        if let cached = packageFiles.withLock({ $0[key] }) { return cached }
        var found: ServedFile?
        if let package = try await store.file(sha256: sha256, filename: filename) {
            found = ServedFile(package: package, isMetadata: false, sha256: package.sha256, lastModified: package.uploadTime)
        } else if filename.hasSuffix(".metadata"), let package = try await store.file(sha256: sha256, filename: String(filename.dropLast(9))),
            let metadata = package.metadataSHA256
        {
            found = ServedFile(package: package, isMetadata: true, sha256: metadata, lastModified: package.uploadTime)
        }
        let result = found
        packageFiles.withLock { $0[key] = result }
        return result
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
        var rendered: ProjectPages?
        if let project = try await store.project(normalized, in: content) {
            let page = SimpleProjectPage(project, fileURL: fileURL)
            rendered = ProjectPages(project: project, html: RenderedPage(page.html()), json: RenderedPage(page.json()))
        }
        let result = rendered
        projects.withLock { $0[normalized] = result }
        return result
    }

    /// The file (or `.metadata` file) named `filename`, looked up on first use.
    func file(_ filename: String, store: ContentStore) async throws -> ServedFile? {
        if let cached = files.withLock({ $0[filename] }) { return cached }
        var found: ServedFile?
        if let served = try await store.file(named: filename, in: content) {
            found = ServedFile(package: served.package, isMetadata: false, sha256: served.package.sha256, lastModified: served.package.uploadTime)
        } else if filename.hasSuffix(".metadata"), let served = try await store.file(named: String(filename.dropLast(9)), in: content),
            let metadata = served.package.metadataSHA256
        {
            found = ServedFile(package: served.package, isMetadata: true, sha256: metadata, lastModified: served.package.uploadTime)
        }
        let result = found
        files.withLock { $0[filename] = result }
        return result
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
        self.init(name: project.name, files: files, versions: VersionList.sorted(project.files.map(\.package.version)), lastSerial: project.lastSerial)
    }
}

/// The PyPI-style location of a stored file: `/packages/<2>/<2>/<60>/<filename>` from its sha256.
enum FileLocation {
    static func path(sha256: String, filename: String) -> String {
        let digits = Array(sha256)
        return "/packages/\(String(digits[0..<2]))/\(String(digits[2..<4]))/\(String(digits[4...]))/\(URLPath.escape(filename))"
    }
}
