import ContentStore
import Digests
import HTTPTypes
import Hummingbird
import PythonPackaging
import _NIOFileSystem

extension Routes {
    /// `GET` and `HEAD /pulp/content/<base>/<filename>` (and `<filename>.metadata`):
    /// pulp_python's file layout, by distribution.
    func distributionFile(_ request: Request, _ context: IndexRequestContext, bodyWanted: Bool) async throws -> Response {
        let filename = try Self.checkedFilename(context)
        let pages = try await distribution(request, context)
        guard let file = try await pages.file(filename, store: store) else {
            throw HTTPFailure(.notFound, "The file '\(filename)' is not in the distribution '\(pages.content.distribution.basePath)'.")
        }
        return try await send(file, filename: filename, request, context, bodyWanted: bodyWanted)
    }

    /// `GET` and `HEAD /packages/<ab>/<cd>/<rest of the sha256>/<filename>`: PyPI's layout, the
    /// URL pages link to.
    func packageFile(_ request: Request, _ context: IndexRequestContext, bodyWanted: Bool) async throws -> Response {
        if let file = cache.servedPackageFile(atPath: request.uri.path) {
            return try await send(file, filename: file.filename, request, context, bodyWanted: bodyWanted)
        }
        let components = context.parameters.getCatchAll()
        guard components.count == 4, let filename = URLPath.unescape(components[3]), Self.isServable(filename) else {
            throw HTTPFailure(.notFound, "No such file: file URLs are /packages/<ab>/<cd>/<rest of the sha256>/<filename>.")
        }
        guard let sha256 = SHA256Digest(hex: components[0] + components[1] + components[2]),
            let file = try await cache.packageFile(sha256: sha256, filename: filename)
        else {
            throw HTTPFailure(.notFound, "No file '\(filename)' with that digest is served here.")
        }
        return try await send(file, filename: filename, request, context, bodyWanted: bodyWanted)
    }

    private static func checkedFilename(_ context: IndexRequestContext) throws -> String {
        let filename = try parameter(context, "filename")
        guard isServable(filename) else { throw HTTPFailure(.notFound, "'\(filename)' is not a file this index serves.") }
        return filename
    }

    /// A distribution filename (or one with `.metadata` added) that is safe to look up.
    private static func isServable(_ filename: String) -> Bool {
        DistributionFilename.isSafe(filename.hasSuffix(".metadata") ? String(filename.dropLast(9)) : filename)
    }

    /// The file from the blob store, with `ETag` (its sha256), `Last-Modified`, and
    /// single-range requests. Small files go out from memory once read (that beats any
    /// system call per request); larger ones with `sendfile`.
    private func send(_ file: ServedFile, filename: String, _ request: Request, _ context: IndexRequestContext, bodyWanted: Bool) async throws -> Response {
        var body = fileBodies.cached(file.sha256)
        // Only a file not in memory needs its path.
        lazy var path = store.blobs.path(for: file.sha256)
        let size: Int64
        if let body {
            size = Int64(body.readableBytes)
        } else if let info = try await FileSystem.shared.info(forFileAt: path) {
            size = info.size
        } else if !file.isMetadata, !file.package.keepFetched {
            return try await passOn(file, filename: filename, bodyWanted: bodyWanted)
        } else if !bodyWanted, !file.isMetadata {
            // HEAD of on-demand content not fetched yet: the recorded size answers it.
            size = file.package.size
        } else {
            size = try await fetchFromUpstream(file, filename: filename, path: path)
        }
        var headers = file.headers
        guard size > 0 else {
            headers[.contentLength] = "0"
            return Response(status: .ok, headers: headers)
        }
        if request.hasCurrentCopy(etag: file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        var outcome = ByteRange.resolve(request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], ifRange != file.etag { outcome = .whole }
        let range: ClosedRange<Int64>
        switch outcome {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .partial(let partial):
            range = partial
            headers[.contentRange] = "bytes \(partial.lowerBound)-\(partial.upperBound)/\(size)"
        case .whole:
            range = 0...(size - 1)
        }
        let status: HTTPResponse.Status = outcome == .whole ? .ok : .partialContent
        let length = Int64(range.count)
        headers[.contentLength] = String(length)
        guard bodyWanted else { return Response(status: status, headers: headers) }
        if body == nil, !intactFiles.contains(file.sha256) { try await checkIntact(file, filename: filename, context) }
        metrics.bytesServed(length)
        if body == nil { body = try await fileBodies.body(sha256: file.sha256, path: path, size: size) }
        if let body {
            let slice = body.getSlice(at: body.readerIndex + Int(range.lowerBound), length: range.count)!
            return Response(status: status, headers: headers, body: .init(byteBuffer: slice))
        }
        if configuration.sendfile, let name = HTTPField.Name(ResponseHeadHandler.fileHeader) {
            headers[name] = "\(range.lowerBound) \(length) \(path.string)"
            return Response(status: status, headers: headers)
        }
        let streamed = try await FileIO().loadFile(path: path.string, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
        return Response(status: status, headers: headers, body: streamed)
    }

    /// Reads a stored file once before it is first served: bytes that no longer match their
    /// sha256 are never sent (503, and an error in the log naming the file).
    private func checkIntact(_ file: ServedFile, filename: String, _ context: IndexRequestContext) async throws {
        // nil: removed since it was found; the read that follows reports that.
        let intact = try await store.storedFileIsIntact(file.sha256)
        if intact == true { intactFiles.insert(file.sha256) }
        guard intact == false else { return }
        context.logger.error(
            "a stored file no longer matches its sha256; it is not served", metadata: ["file": "\(filename)", "sha256": "\(file.sha256)"])
        throw HTTPFailure(
            .serviceUnavailable,
            "The stored copy of '\(filename)' is damaged (its bytes no longer match sha256 \(file.sha256)), so it is not served; "
                + "`wheelhouse verify --repair` restores it from its upstream.")
    }

    /// Fetches on-demand content from its upstream on first request; its size once stored.
    private func fetchFromUpstream(_ file: ServedFile, filename: String, path: FilePath) async throws -> Int64 {
        let fetched = try await fetch(file, filename: filename)
        await fetched.passedOn?.release()
        guard let info = try await FileSystem.shared.info(forFileAt: path) else {
            throw HTTPFailure(.badGateway, "The upstream \(Self.origin(of: fetched.upstream)) sent '\(filename)' but it was not kept; try again.")
        }
        return info.size
    }

    /// Streamed content: fetched from upstream for this request, verified, sent whole, and
    /// not kept. `HEAD` answers from the recorded size without fetching.
    private func passOn(_ file: ServedFile, filename: String, bodyWanted: Bool) async throws -> Response {
        var headers = file.headers
        headers[.acceptRanges] = "none"
        headers[.cacheControl] = "no-store"
        headers[.contentLength] = String(file.package.size)
        guard bodyWanted else { return Response(status: .ok, headers: headers) }
        guard let passedOn = try await fetch(file, filename: filename).passedOn else {
            throw HTTPFailure(.badGateway, "The upstream of '\(filename)' sent nothing to pass on; try again.")
        }
        metrics.bytesServed(file.package.size)
        let body = ResponseBody(contentLength: Int(file.package.size)) { writer in
            do {
                try await FileSystem.shared.withFileHandle(forReadingAt: passedOn.path) { handle in
                    for try await chunk in handle.readChunks() { try await writer.write(chunk) }
                }
                try await writer.finish(nil)
            } catch {
                await passedOn.release()
                throw error
            }
            await passedOn.release()
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Asks the replication side for a missing file; a 502 naming the upstream if it fails.
    private func fetch(_ file: ServedFile, filename: String) async throws -> (upstream: String, passedOn: PassedOnFile?) {
        guard let upstream = file.package.upstreamURL, let fetchMissing else {
            throw HTTPFailure(
                .serviceUnavailable,
                "The stored copy of '\(filename)' is missing and there is no upstream to fetch it from; restore it from a backup "
                    + "(`wheelhouse verify` names every such file).")
        }
        do {
            return (upstream, try await fetchMissing(file.package, file.isMetadata))
        } catch {
            throw HTTPFailure(
                .badGateway, "Fetching '\(filename)' from the upstream \(Self.origin(of: upstream)) failed; the server's log says why.",
                detail: "\(error)")
        }
    }

    /// `scheme://host[:port]` of a URL, to name an upstream without its paths or credentials.
    static func origin(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return "<no URL>" }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(url[..<scheme.upperBound] + (authority.split(separator: "@").last ?? ""))
    }
}
