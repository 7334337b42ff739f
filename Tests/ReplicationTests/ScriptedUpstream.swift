import Digests
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PythonPackaging
import Synchronization

/// An upstream index in the test process, over real HTTP: the projects and files a test gives
/// it, served as PEP 691 JSON or PEP 503 HTML with ETags, conditional requests and serials, in
/// the layouts real indexes use (plain, or Pulp's: API pages redirecting to a content app
/// whose links are relative), with whatever a test scripts in place of a real answer. Every
/// request is logged.
final class ScriptedUpstream: Sendable {
    struct File: Sendable {
        var filename: String
        var bytes: [UInt8]
        /// What the page declares; the true digest unless a test says otherwise.
        var sha256: String
        var size: Int64?
        var uploadTime: String?
        /// nil: not yanked; "": yanked without a reason.
        var yanked: String?
        /// The PEP 658 metadata file, offered with its hash.
        var metadata: [UInt8]?
        /// The PEP 740 provenance, offered at `/integrity/<filename>`.
        var provenance: [UInt8]?

        init(_ filename: String, _ bytes: [UInt8], uploadTime: String? = "2026-01-01T00:00:00Z", metadata: [UInt8]? = nil) {
            self.filename = filename
            self.bytes = bytes
            self.sha256 = FileDigests.of(bytes).sha256.hex
            self.size = Int64(bytes.count)
            self.uploadTime = uploadTime
            self.metadata = metadata
        }
    }

    enum Layout: Sendable {
        /// Pages at `/simple/`, files at `/files/`, absolute links.
        case plain
        /// Pulp's published distribution behind its API: `/pypi/base/simple/…` answers 302 to
        /// the content app's `/content/base/simple/…`, whose project pages link `../../<file>`.
        case pulpPublished
    }

    /// A response given instead of the real one.
    struct Scripted: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: HTTPFields = [:]
        var body: [UInt8] = []
    }

    struct State: Sendable {
        var projects: [String: [File]] = [:]
        var projectSerials: [String: Int64] = [:]
        var serial: Int64 = 1
        var layout = Layout.plain
        /// Offer PEP 691 JSON (else HTML only).
        var json = true
        /// Declare sizes on JSON pages.
        var sizes = true
        /// Every serial this value (pulp_python's 1000000000), when set.
        var constantSerial: Int64?
        /// Files answer HEAD with 405 (as object stores do for signed GET URLs), and a GET of
        /// `Range: bytes=0-0` with its first byte.
        var refusesHead = false
        /// Answers by request path, in place of the real ones.
        var scripted: [String: Scripted] = [:]
        var log: [(method: String, path: String, status: Int)] = []
    }

    let state = Mutex(State())

    /// Runs `body` with an upstream listening on a local port, and its base URL.
    static func serve<T: Sendable>(_ body: @Sendable (ScriptedUpstream, String) async throws -> T) async throws -> T {
        let upstream = ScriptedUpstream()
        let router = Router()
        router.get("**") { request, _ in upstream.answer(request, head: false) }
        router.head("**") { request, _ in upstream.answer(request, head: true) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(upstream, "http://127.0.0.1:\(client.port ?? 0)")
        }
    }

    /// The index URL a sync is given for this layout.
    var indexURL: String {
        switch state.withLock(\.layout) {
        case .plain: "/simple/"
        case .pulpPublished: "/pypi/base/simple/"
        }
    }

    /// Adds files to a project (created when new); its serial and the index's rise.
    func add(_ project: String, _ files: File...) {
        state.withLock { state in
            state.serial += 1
            state.projects[project, default: []] += files
            state.projectSerials[project] = state.serial
        }
    }

    /// Removes a file; its project goes when it has none left.
    func remove(_ filename: String) {
        change { state in
            for (project, files) in state.projects where files.contains(where: { $0.filename == filename }) {
                state.projects[project] = files.filter { $0.filename != filename }
                if state.projects[project]?.isEmpty == true { state.projects[project] = nil }
                return project
            }
            return nil
        }
    }

    /// Yanks a file (PEP 592).
    func yank(_ filename: String, reason: String = "") {
        change { state in
            for (project, files) in state.projects {
                guard let index = files.firstIndex(where: { $0.filename == filename }) else { continue }
                state.projects[project]?[index].yanked = reason
                return project
            }
            return nil
        }
    }

    private func change(_ body: (inout State) -> String?) {
        state.withLock { state in
            guard let project = body(&state) else { return }
            state.serial += 1
            state.projectSerials[project] = state.serial
        }
    }

    /// Requests so far, as `METHOD path status`.
    var requests: [String] { state.withLock { $0.log.map { "\($0.method) \($0.path) \($0.status)" } } }

    func clearLog() { state.withLock { $0.log.removeAll() } }

    // MARK: - Answers

    private func answer(_ request: Request, head: Bool) -> Response {
        let path = request.uri.path
        let response = state.withLock { state in
            var response = Self.route(path, request, &state)
            if state.refusesHead, response.headers[.contentType] == "application/octet-stream" {
                response = Self.refusingHead(response, request, head: head)
            }
            if head {
                // The length stays that of the body a GET would get.
                let length = response.headers[.contentLength].flatMap { Int($0) }
                response.body = ResponseBody(contentLength: length) { writer in try await writer.finish(nil) }
            }
            state.log.append((head ? "HEAD" : "GET", path, response.status.code))
            return response
        }
        return response
    }

    private static func route(_ path: String, _ request: Request, _ state: inout State) -> Response {
        if let scripted = state.scripted[path] {
            var headers = scripted.headers
            headers[.contentLength] = String(scripted.body.count)
            return Response(status: scripted.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: scripted.body)))
        }
        switch state.layout {
        case .plain:
            if path == "/simple/" { return root(request, state) }
            if path.hasPrefix("/simple/") { return project(String(path.dropFirst(8).dropLast()), request, state, fileBase: "/files/") }
            if path.hasPrefix("/files/") { return file(String(path.dropFirst(7)), state) }
            if path.hasPrefix("/integrity/") { return provenance(String(path.dropFirst(11)), state) }
        case .pulpPublished:
            if path.hasPrefix("/pypi/base/simple/") {
                return Response(status: .found, headers: [.location: "/content/base/simple/" + path.dropFirst(18), .contentLength: "0"])
            }
            if path == "/content/base/simple/" { return root(request, state, html: true) }
            if path.hasPrefix("/content/base/simple/") {
                return project(String(path.dropFirst(21).dropLast()), request, state, fileBase: "../../", html: true)
            }
            if path.hasPrefix("/content/base/") { return file(String(path.dropFirst(14)), state) }
        }
        return Response(status: .notFound, headers: [.contentLength: "0"])
    }

    private static func serial(_ value: Int64, _ state: State) -> Int64 { state.constantSerial ?? value }

    private static func root(_ request: Request, _ state: State, html forcedHTML: Bool = false) -> Response {
        let names = state.projects.keys.sorted()
        let body: String
        let json = state.json && !forcedHTML && wantsJSON(request)
        if json {
            let projects = names.map { #"{"name":"\#($0)","_last-serial":\#(serial(state.projectSerials[$0] ?? 0, state))}"# }
            body = #"{"meta":{"api-version":"1.1","_last-serial":\#(serial(state.serial, state))},"projects":[\#(projects.joined(separator: ","))]}"#
        } else {
            body = "<!DOCTYPE html><html><body>\n" + names.map { "<a href=\"\($0)/\">\($0)</a><br/>\n" }.joined() + "</body></html>\n"
        }
        return page(body, json: json, serial: forcedHTML ? nil : serial(state.serial, state), request)
    }

    private static func project(_ name: String, _ request: Request, _ state: State, fileBase: String, html forcedHTML: Bool = false) -> Response {
        guard let files = state.projects[name] else { return Response(status: .notFound, headers: [.contentLength: "0"]) }
        let json = state.json && !forcedHTML && wantsJSON(request)
        let body: String
        if json {
            let entries = files.map { file in
                var members = [#""filename":"\#(file.filename)""#, #""url":"\#(fileBase)\#(file.filename)""#, #""hashes":{"sha256":"\#(file.sha256)"}"#]
                if state.sizes, let size = file.size { members.append(#""size":\#(size)"#) }
                if let time = file.uploadTime { members.append(#""upload-time":"\#(time)""#) }
                if let yanked = file.yanked { members.append(yanked.isEmpty ? #""yanked":true"# : #""yanked":"\#(yanked)""#) }
                if let metadata = file.metadata { members.append(#""core-metadata":{"sha256":"\#(FileDigests.of(metadata).sha256.hex)"}"#) }
                members.append(file.provenance == nil ? #""provenance":null"# : #""provenance":"/integrity/\#(file.filename)""#)
                return "{" + members.joined(separator: ",") + "}"
            }
            body = #"{"meta":{"api-version":"1.1","_last-serial":\#(serial(state.projectSerials[name] ?? 0, state))},"name":"\#(name)","files":[\#(entries.joined(separator: ","))]}"#
        } else {
            body = "<!DOCTYPE html><html><body>\n" + files.map { file in
                var attributes = ""
                if let yanked = file.yanked { attributes += " data-yanked=\"\(yanked)\"" }
                if let metadata = file.metadata { attributes += " data-core-metadata=\"sha256=\(FileDigests.of(metadata).sha256.hex)\"" }
                if file.provenance != nil { attributes += " data-provenance=\"/integrity/\(file.filename)\"" }
                return "<a href=\"\(fileBase)\(file.filename)#sha256=\(file.sha256)\"\(attributes)>\(file.filename)</a><br/>\n"
            }.joined() + "</body></html>\n"
        }
        return page(body, json: json, serial: forcedHTML ? nil : serial(state.projectSerials[name] ?? 0, state), request)
    }

    private static func file(_ filename: String, _ state: State) -> Response {
        for file in state.projects.values.joined() {
            if file.filename == filename {
                return Response(
                    status: .ok, headers: [.contentType: "application/octet-stream", .contentLength: String(file.bytes.count)],
                    body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
            if let metadata = file.metadata, file.filename + ".metadata" == filename {
                return Response(status: .ok, headers: [.contentLength: String(metadata.count)], body: .init(byteBuffer: ByteBuffer(bytes: metadata)))
            }
        }
        return Response(status: .notFound, headers: [.contentLength: "0"])
    }

    private static func provenance(_ filename: String, _ state: State) -> Response {
        guard let document = state.projects.values.joined().first(where: { $0.filename == filename })?.provenance else {
            return Response(status: .notFound, headers: [.contentLength: "0"])
        }
        return Response(
            status: .ok, headers: [.contentType: "application/vnd.pypi.integrity.v1+json", .contentLength: String(document.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }

    /// A file as a server that refuses HEAD and honours a first-byte range answers it.
    private static func refusingHead(_ response: Response, _ request: Request, head: Bool) -> Response {
        if head { return Response(status: .methodNotAllowed, headers: [.contentLength: "0"]) }
        guard request.headers[.range] == "bytes=0-0", let length = response.headers[.contentLength] else { return response }
        return Response(
            status: .partialContent, headers: [.contentType: "application/octet-stream", .contentRange: "bytes 0-0/\(length)", .contentLength: "1"],
            body: .init(byteBuffer: ByteBuffer(bytes: [0x50])))
    }

    private static func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("application/vnd.pypi.simple.v1+json") ?? false
    }

    /// A page with its ETag (from its bytes), answering 304 to a matching `If-None-Match`.
    private static func page(_ text: String, json: Bool, serial: Int64?, _ request: Request) -> Response {
        let bytes = Array(text.utf8)
        let etag = "\"" + FileDigests.of(bytes).sha256.hex.prefix(16) + "\""
        var headers: HTTPFields = [.contentType: json ? "application/vnd.pypi.simple.v1+json" : "text/html", .eTag: etag]
        if let serial, let name = HTTPField.Name("X-PyPI-Last-Serial") { headers[name] = String(serial) }
        if request.headers[.ifNoneMatch] == etag {
            headers[.contentLength] = "0"
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
