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
        let components = context.parameters.getCatchAll()
        guard components.count == 4, let filename = URLPath.unescape(components[3]), Self.isServable(filename) else {
            throw HTTPFailure(.notFound, "No such file: file URLs are /packages/<ab>/<cd>/<rest of the sha256>/<filename>.")
        }
        let sha256 = (components[0] + components[1] + components[2]).lowercased()
        guard Hex.isHex(sha256, length: 64), let file = try await cache.packageFile(sha256: sha256, filename: filename) else {
            throw HTTPFailure(.notFound, "No file '\(filename)' with that digest is served here.")
        }
        return try await send(file, filename: filename, request, context, bodyWanted: bodyWanted)
    }

    private static func checkedFilename(_ context: BasicRequestContext) throws -> String {
        let filename = try parameter(context, "filename")
        guard isServable(filename) else { throw HTTPFailure(.notFound, "'\(filename)' is not a file this index serves.") }
        return filename
    }

    /// A distribution filename (or one with `.metadata` added) that is safe to look up.
    private static func isServable(_ filename: String) -> Bool {
        DistributionFilename.isSafe(filename.hasSuffix(".metadata") ? String(filename.dropLast(9)) : filename)
    }

    /// The file from the blob store (small ones from memory), with `ETag` (its sha256),
    /// `Last-Modified`, and single-range requests.
    private func send(_ file: ServedFile, filename: String, _ request: Request, _ context: BasicRequestContext, bodyWanted: Bool) async throws -> Response {
        let path = store.blobs.path(forSHA256: file.sha256)
        var body = fileBodies.cached(file.sha256)
        let size: Int64
        if let body {
            size = Int64(body.readableBytes)
        } else {
            guard let info = try await FileSystem.shared.info(forFileAt: path) else {
                throw HTTPFailure(.notFound, "The file '\(filename)' is recorded but its bytes are not stored here yet.")
            }
            size = info.size
        }
        let etag = file.etag
        var headers = file.headers
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        var outcome = ByteRange.resolve(request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], ifRange != etag { outcome = .whole }
        if case .unsatisfiable = outcome {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        let range: ClosedRange<Int64>? = if case .partial(let range) = outcome { range } else { nil }
        let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
        if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)" }
        let length = range.map { Int64($0.count) } ?? size
        headers[.contentLength] = String(length)
        guard bodyWanted, length > 0 else { return Response(status: status, headers: headers) }
        metrics.bytesServed(length)
        if body == nil { body = try await fileBodies.body(sha256: file.sha256, path: path, size: size) }
        if let body {
            let slice = range.map { body.getSlice(at: body.readerIndex + Int($0.lowerBound), length: $0.count)! } ?? body
            return Response(status: status, headers: headers, body: .init(byteBuffer: slice))
        }
        let fileIO = FileIO()
        let streamed =
            if let range {
                try await fileIO.loadFile(path: path.string, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
            } else {
                try await fileIO.loadFile(path: path.string, context: context)
            }
        return Response(status: status, headers: headers, body: streamed)
    }
}
