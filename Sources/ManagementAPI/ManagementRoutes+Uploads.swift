import ContentStore
import HTTPTypes
import Hummingbird
import IndexServer
import PythonPackaging

/// `uploads/`: chunked uploads, as pulp-cli sends files larger than its chunk size (a
/// `Content-Range` and a multipart `file`, with the chunk's `sha256`, per PUT); content is then
/// created from the upload's href. And `orphans/cleanup/`.
extension ManagementRoutes {
    static let contentRange = HTTPField.Name("Content-Range")!

    func createUpload(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        guard let size = try fields.integer("size"), size > 0 else { throw APIFailure.field("size", "Give the file's size in bytes (at least 1).") }
        guard size <= server.configuration.maximumUploadSize else {
            throw APIFailure.field("size", "The largest upload this server takes is \(server.configuration.maximumUploadSize) bytes.")
        }
        return APIResponse.json(Self.present(try await store.createUpload(size: size)), status: .created)
    }

    func readUpload(_ context: IndexRequestContext) async throws -> Response {
        APIResponse.json(Self.present(try await store.upload(uuid: try Self.uuid(context, "Upload"))))
    }

    /// `PUT uploads/<uuid>/` with `Content-Range: bytes START-END/SIZE` (END inclusive).
    func putChunk(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let upload = try await store.upload(uuid: try Self.uuid(context, "Upload"))
        guard let range = request.headers[Self.contentRange].flatMap(Self.parseRange) else {
            throw APIFailure.field("Content-Range", "Send 'Content-Range: bytes START-END/SIZE' with each chunk.")
        }
        guard range.total == upload.size else {
            throw APIFailure.field("Content-Range", "The upload is \(upload.size) bytes, not \(range.total).")
        }
        guard let boundary = request.headers[.contentType].flatMap(MultipartParser.boundary(fromContentType:)) else {
            throw APIFailure.field("file", "Send the chunk as multipart/form-data with a 'file' part.")
        }
        let form = try await UploadForm.receive(request.body, boundary: boundary, blobs: store.blobs, maximumFileSize: upload.size, filePart: "file")
        guard let file = form.file else { throw APIFailure.field("file", "This field is required.") }
        let length = range.end - range.start + 1
        if file.written.digests.size != length {
            await store.blobs.discard(file.written)
            throw APIFailure.field("file", "The chunk is \(file.written.digests.size) bytes, but its Content-Range says \(length).")
        }
        if let sent = form.fields["sha256"], !sent.isEmpty, SHA256Digest(hex: sent) != file.written.digests.sha256 {
            await store.blobs.discard(file.written)
            throw APIFailure.field("sha256", "The chunk's sha256 is \(file.written.digests.sha256), not the \(sent) sent; it was damaged on the way.")
        }
        return APIResponse.json(Self.present(try await store.addChunk(to: upload.uuid, offset: range.start, file.written)))
    }

    func deleteUpload(_ context: IndexRequestContext) async throws -> Response {
        try await store.deleteUpload(uuid: try Self.uuid(context, "Upload"))
        return APIResponse.noContent()
    }

    /// `bytes START-END/SIZE`, with 0 ≤ START ≤ END < SIZE.
    static func parseRange(_ text: String) -> (start: Int64, end: Int64, total: Int64)? {
        guard text.hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let total = Int64(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }), let start = Int64(bounds[0]), let end = Int64(bounds[1]), start >= 0, start <= end, end < total else { return nil }
        return (start, end, total)
    }

    static func present(_ upload: StoredUpload) -> JSONValue {
        .object(
            Presenter.header(.upload, upload.uuid, created: upload.createdAt, updated: nil) + [
                ("size", .integer(upload.size)),
                ("chunks", .array(upload.chunks.map { .object([("offset", .integer($0.offset)), ("size", .integer($0.size))]) })),
            ])
    }

    /// `POST orphans/cleanup/`: packages no repository version holds, and files no package
    /// names, older than `orphan_protection_time` minutes (Pulp's default: 1440).
    func cleanUpOrphans(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        try Self.refuseUnsupported(fields, ["content_hrefs"])
        let minutes = try fields.integer("orphan_protection_time") ?? 1440
        guard (0...52_560_000).contains(minutes) else {
            throw APIFailure.field("orphan_protection_time", "Give 0 to 52560000 minutes.")
        }
        return try await queuedTask("pulpcore.app.tasks.orphan.orphan_cleanup", ["/api/v3/orphans/cleanup/"]) { [store] in
            let cutoff = Timestamp(microseconds: Timestamp.now().microseconds - minutes * 60_000_000)
            let cleanup = try await store.removeOrphans(recordedBefore: cutoff)
            return TaskResult(progress: [
                Self.progress("Clean up orphan Content", "clean-up.content", done: cleanup.packages),
                Self.progress("Clean up orphan Artifacts", "clean-up.artifacts", done: cleanup.files),
            ])
        }
    }
}
