import ContentStore
import Digests
import Hummingbird
import PythonPackaging
import _NIOFileSystem

extension Routes {
    /// `GET` and `HEAD /pulp/content/<base>/<filename>` (and `<filename>.metadata`):
    /// pulp_python's file layout, by distribution.
    func distributionFile(_ request: Request, _ context: BasicRequestContext, bodyWanted: Bool) async throws -> Response {
        let filename = try Self.checkedFilename(context)
        let pages = try await distribution(request, context)
        guard let file = try await pages.file(filename, store: store) else {
            throw HTTPFailure(.notFound, "The file '\(filename)' is not in the distribution '\(pages.content.distribution.basePath)'.")
        }
        return try await send(file, filename: filename, request, context, bodyWanted: bodyWanted)
    }

    /// `GET` and `HEAD /packages/<ab>/<cd>/<rest of the sha256>/<filename>`: PyPI's layout, the
    /// URL pages link to.
    func packageFile(_ request: Request, _ context: BasicRequestContext, bodyWanted: Bool) async throws -> Response {
        let filename = try Self.checkedFilename(context)
        let sha256 = try Self.parameter(context, "a") + Self.parameter(context, "b") + Self.parameter(context, "rest")
        guard Hex.isHex(sha256, length: 64), let file = try await cache.packageFile(sha256: sha256.lowercased(), filename: filename) else {
            throw HTTPFailure(.notFound, "No file '\(filename)' with that digest is served here.")
        }
        return try await send(file, filename: filename, request, context, bodyWanted: bodyWanted)
    }

    private static func checkedFilename(_ context: BasicRequestContext) throws -> String {
        let filename = try parameter(context, "filename")
        let plain = filename.hasSuffix(".metadata") ? String(filename.dropLast(9)) : filename
        guard DistributionFilename.isSafe(plain) else { throw HTTPFailure(.notFound, "'\(filename)' is not a file this index serves.") }
        return filename
    }

    /// The file from the blob store, with `ETag` (its sha256), `Last-Modified`, and single-range requests.
    private func send(_ file: ServedFile, filename: String, _ request: Request, _ context: BasicRequestContext, bodyWanted: Bool) async throws -> Response {
        let path = store.blobs.path(forSHA256: file.sha256)
        guard let info = try await FileSystem.shared.info(forFileAt: path) else {
            throw HTTPFailure(.notFound, "The file '\(filename)' is recorded but its bytes are not stored here yet.")
        }
        let size = info.size
        let etag = "\"\(file.sha256)\""
        var headers: HTTPFields = [
            .contentType: "application/octet-stream", .eTag: etag, .lastModified: HTTPDate.format(file.lastModified),
            .acceptRanges: "bytes", .cacheControl: "max-age=31536000, immutable, public",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        var outcome = ByteRange.resolve(request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], ifRange != etag { outcome = .whole }
        let fileIO = FileIO()
        switch outcome {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .partial(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            guard bodyWanted else { return Response(status: .partialContent, headers: headers) }
            let body = try await fileIO.loadFile(path: path.string, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
            metrics.bytesServed(Int64(range.count))
            return Response(status: .partialContent, headers: headers, body: body)
        case .whole:
            headers[.contentLength] = String(size)
            guard bodyWanted else { return Response(status: .ok, headers: headers) }
            let body = size == 0 ? ResponseBody() : try await fileIO.loadFile(path: path.string, context: context)
            metrics.bytesServed(size)
            return Response(status: .ok, headers: headers, body: body)
        }
    }
}
