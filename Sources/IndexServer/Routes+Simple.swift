import ContentStore
import HTTPTypes
import Hummingbird
import PythonPackaging

extension Routes {
    /// `GET /pypi/<base>/`: counts of projects, releases and files (pulp_python's summary).
    func summary(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let pages = try await distribution(request, context)
        var body = pages.summary.withLock { $0 }
        if body == nil {
            let counts = try await store.counts(in: pages.content)
            let rendered = JSONValue.object([
                ("projects", .integer(Int64(counts.projects))), ("releases", .integer(Int64(counts.releases))), ("files", .integer(Int64(counts.files))),
            ]).renderedBytes
            pages.summary.withLock { $0 = rendered }
            body = rendered
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body ?? [])))
    }

    /// `GET /pypi/<base>/simple/`: every project, as HTML or JSON by negotiation.
    func simpleRoot(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        if let redirect = Self.trailingSlashRedirect(request) { return redirect }
        let pages = try await distribution(request, context)
        let format = try Self.negotiate(request)
        let root = try await pages.rootPages(store: store)
        let template = format == .json ? root.json : root.html
        var response = Self.page(template.page(at: Self.origin(request, configuration)), format: format, serial: pages.content.lastSerial, request: request)
        Self.markJournal(&response, pages.content)
        return response
    }

    static let changesHeader = HTTPField.Name("X-Wheelhouse-Changes")!
    static let journalSerialHeader = HTTPField.Name("X-Wheelhouse-Serial")!

    /// Tells a mirror (another Wheelhouse) where to read what changed after a serial, and the
    /// journal serial this page reflects, so that one that reads only some projects' pages can
    /// ask the journal next time. The epoch names this distribution, so a journal read after
    /// it was replaced at the same base path is refused rather than misread.
    static func markJournal(_ response: inout Response, _ content: ServedContent) {
        let distribution = content.distribution
        response.headers[changesHeader] = "/pypi/\(URLPath.escape(distribution.basePath))/changes?epoch=\(distribution.uuid)"
        response.headers[journalSerialHeader] = String(content.lastSerial)
    }

    /// `GET /pypi/<base>/changes?since=SERIAL[&epoch=UUID]`: the distribution's journal after a serial, for
    /// mirrors: `{"last_serial", "complete", "changes": [{"serial", "project", "version",
    /// "filename", "action"}]}`, at most 10,000 entries (`complete` is false when cut short).
    func changes(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let pages = try await distribution(request, context)
        if let epoch = request.uri.queryParameters.get("epoch"), epoch != pages.content.distribution.uuid {
            throw HTTPFailure(
                .gone, "The distribution this journal belonged to was replaced at its base path; read the index listing again.")
        }
        guard let since = request.uri.queryParameters.get("since").flatMap({ Int64($0) }), since >= 0 else {
            throw HTTPFailure(.badRequest, "Give the serial to start after, as ?since=SERIAL (0 for everything).")
        }
        let limit = 10_000
        let entries = try await store.journal(distributionID: pages.content.distribution.id, since: since, limit: limit)
        let body = JSONValue.object([
            ("last_serial", .integer(pages.content.lastSerial)), ("complete", .bool(entries.count < limit)),
            (
                "changes",
                .array(
                    entries.map { entry in
                        .object([
                            ("serial", .integer(entry.serial)), ("project", .string(entry.project)), ("version", .optional(entry.version)),
                            ("filename", .optional(entry.filename)), ("action", .string(entry.action)),
                        ])
                    })
            ),
        ])
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-cache"]
        headers[.lastSerial] = String(pages.content.lastSerial)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.renderedBytes)))
    }

    /// `GET /pypi/<base>/simple/<project>/`: one project's files. A name that is not normalized
    /// is redirected (301) to its normalized URL.
    func simpleProject(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let raw = try Self.projectParameter(context)
        let normalized = ProjectName.normalize(raw)
        if raw != normalized {
            let base = try Self.parameter(context, "base")
            return Self.redirect(to: "/pypi/\(URLPath.escape(base))/simple/\(URLPath.escape(normalized))/", request: request)
        }
        if let redirect = Self.trailingSlashRedirect(request) { return redirect }
        let pages = try await distribution(request, context)
        let format = try Self.negotiate(request)
        guard let project = try await pages.projectPages(normalized, store: store) else {
            throw HTTPFailure(.notFound, "The project '\(normalized)' is not in the index at /pypi/\(pages.content.distribution.basePath)/simple/.")
        }
        let template = format == .json ? project.json : project.html
        var response = Self.page(
            template.page(at: Self.origin(request, configuration)), format: format, serial: project.project.lastSerial, request: request)
        Self.markJournal(&response, pages.content)
        return response
    }

    /// The cached pages of the distribution named in the URL, or a 404 naming the base path.
    func distribution(_ request: Request, _ context: IndexRequestContext) async throws -> DistributionPages {
        let base = try Self.parameter(context, "base")
        guard let pages = try await cache.pages(basePath: base) else {
            throw HTTPFailure(.notFound, "No distribution is served at the base path '\(base)'.")
        }
        return pages
    }

    /// The project named in the path, which must be a valid project name (a NUL or other
    /// bytes no name has would otherwise reach the store's lookups): 404 if it is not.
    static func projectParameter(_ context: IndexRequestContext) throws -> String {
        let raw = try parameter(context, "project")
        guard ProjectName.isValid(raw) else { throw HTTPFailure(.notFound, "No project is named '\(raw)'.") }
        return raw
    }

    /// A path parameter, percent-decoded.
    static func parameter(_ context: IndexRequestContext, _ name: String) throws -> String {
        guard let raw = context.parameters.get(name), let decoded = URLPath.unescape(raw), !decoded.isEmpty else {
            throw HTTPFailure(.badRequest, "The URL has a malformed '\(name)'.")
        }
        return decoded
    }

    /// Where clients reach the server, for absolute URLs in pages: the configured public URL,
    /// else the host the client addressed, over `https` when a TLS-terminating proxy says so
    /// (`X-Forwarded-Proto: https`).
    static func origin(_ request: Request, _ configuration: ServerConfiguration) -> String {
        if let publicURL = configuration.publicURL { return publicURL }
        let scheme = request.headers[.forwardedProto]?.lowercased() == "https" ? "https" : "http"
        if let host = request.head.authority, !host.isEmpty, host.utf8.allSatisfy(Self.isHostByte) {
            return "\(scheme)://\(host)"
        }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(scheme)://\(host):\(configuration.port)"
    }

    /// Letters, digits and `.-:[]_`: what a host and port (or an IPv6 literal) are made of.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "_"): true
        default: false
        }
    }

    static func negotiate(_ request: Request) throws -> SimpleFormat {
        guard let format = SimpleFormat.negotiate(accept: request.headers[.accept], formatParameter: request.uri.queryParameters.get("format")) else {
            throw HTTPFailure(
                .notAcceptable,
                "None of the Accept header's types is served here. Available: application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html, text/html.")
        }
        return format
    }

    /// A cached page with its validators; 304 when the client's copy is current.
    static func page(_ page: RenderedPage, format: SimpleFormat, serial: Int64, request: Request) -> Response {
        let etag = String(page.etag.dropLast()) + "-\(format)\""
        var headers: HTTPFields = [
            .contentType: format.contentType, .eTag: etag, .vary: "Accept", .cacheControl: "max-age=0, must-revalidate",
        ]
        headers[.lastSerial] = String(serial)
        if request.hasCurrentCopy(etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.body))
    }

    /// PEP 503 URLs end in a slash; others are sent there (query kept).
    static func trailingSlashRedirect(_ request: Request) -> Response? {
        guard !request.uri.path.hasSuffix("/") else { return nil }
        return redirect(to: request.uri.path + "/", request: request)
    }

    /// A 301 to a path on this server. Repeated leading slashes (which the router ignores) are
    /// folded into one, so the location can never read as another host (`//host/...`).
    static func redirect(to path: String, request: Request) -> Response {
        let local = "/" + path.drop { $0 == "/" }
        let location = request.uri.query.map { local + "?" + $0 } ?? local
        return Response(status: .movedPermanently, headers: [.location: location, .cacheControl: "max-age=3600, public"])
    }
}
