import ContentStore
import Digests
import Hummingbird
import PackageArchives
import PythonPackaging

extension Routes {
    /// `POST /pypi/<base>/legacy/`: twine's upload API. The multipart body is streamed: form
    /// fields are kept (bounded), the `content` file is written to the blob store while it is
    /// hashed. The file is then checked as PyPI checks uploads and added to the distribution's
    /// repository as a new version, visible at once.
    func upload(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        do {
            let response = try await receiveUpload(request, context)
            metrics.upload(outcome: "accepted")
            return response
        } catch {
            let failure = HTTPFailure(error)
            metrics.upload(
                outcome: [.unauthorized, .forbidden, .tooManyRequests].contains(failure.status) ? "unauthorized" : "refused")
            throw failure
        }
    }

    private func receiveUpload(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        let username = try await authenticate(request, from: context.clientAddress).username
        let pages = try await distribution(request, context)
        guard case .repository(let repositoryID) = pages.content.distribution.target else {
            throw HTTPFailure(
                .badRequest,
                "The distribution '\(pages.content.distribution.name)' serves a fixed version, not a repository, so it does not accept uploads.")
        }
        guard let boundary = request.headers[.contentType].flatMap(MultipartParser.boundary(fromContentType:)) else {
            throw HTTPFailure(.badRequest, "Uploads must be multipart/form-data with a boundary, as twine sends them.")
        }
        let form = try await UploadForm.receive(request.body, boundary: boundary, blobs: store.blobs, maximumFileSize: configuration.maximumUploadSize)
        guard let blob = form.file else {
            throw HTTPFailure(.badRequest, "The upload has no 'content' file part.")
        }
        do {
            let package: Package
            let provenance: Provenance?
            do {
                try form.checkAction()
                try form.checkDigests(of: blob.written.digests)
                provenance = try form.fields["attestations"].map { try Self.provenance(uploaded: $0, by: username) }
                try provenance?.checked(filename: blob.filename, sha256: blob.written.digests.sha256)
                package = try await store.ingestUpload(blob.written, filename: blob.filename, repositoryID: repositoryID) { inspected in
                    try form.checkAgreement(with: inspected)
                }
            } catch {
                await store.blobs.discard(blob.written)
                throw error
            }
            try await store.addUploads([package], repositoryID: repositoryID, provenances: provenance.map { [(package.id, $0)] } ?? [])
        } catch let error as StoreError where error.code == .conflict {
            // twine --skip-existing and other tools look for "File already exists" in a 400.
            throw HTTPFailure(.badRequest, error.message)
        }
        try await cache.invalidate()
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "OK\n")))
    }

    /// The provenance of attestations sent with an upload (twine's `--attestations`): one
    /// bundle, published by the account that uploads.
    static func provenance(uploaded attestations: String, by username: String) throws -> Provenance {
        do {
            return try Provenance(uploadedAttestations: attestations, publisher: .object([("kind", "Wheelhouse user"), ("username", .string(username))]))
        } catch {
            throw HTTPFailure(.badRequest, "Invalid attestations supplied during upload: \(error.message)")
        }
    }

    /// Basic authentication against the store's accounts (`admin`, or `__token__` with a token).
    /// Who signed in.
    private func authenticate(_ request: Request, from address: String) async throws -> SignedIn {
        do {
            return try await authenticator.authenticate(request, from: address)
        } catch let failure as SignInFailure {
            switch failure {
            case .missing:
                throw HTTPFailure(
                    .unauthorized, "Uploads need a username and password (basic authentication).",
                    headers: [.wwwAuthenticate: "Basic realm=\"wheelhouse\""])
            case .throttled(let username, let seconds):
                throw HTTPFailure(
                    .tooManyRequests, "Too many failed sign-ins as '\(username)' from this address; try again in \(seconds) seconds.",
                    headers: [.retryAfter: String(seconds)])
            case .wrong:
                throw HTTPFailure(.forbidden, "Invalid or non-existent authentication information: the username or password is wrong.")
            }
        }
    }
}

extension Provenance {
    /// Checks the attestations are about the file uploaded: 400 if not.
    func checked(filename: String, sha256: SHA256Digest) throws {
        do {
            try check(filename: filename, sha256: sha256)
        } catch {
            throw HTTPFailure(.badRequest, "Invalid attestations supplied during upload: \(error.message)")
        }
    }
}

/// Standard base64 decoding for the `Authorization` header.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for scalar in text.unicodeScalars where scalar != "=" {
            switch scalar {
            case "A"..."Z": values.append(UInt8(scalar.value - 65))
            case "a"..."z": values.append(UInt8(scalar.value - 71))
            case "0"..."9": values.append(UInt8(scalar.value + 4))
            case "+", "-": values.append(62)
            case "/", "_": values.append(63)
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < values.count {
            bytes.append(values[index] << 2 | values[index + 1] >> 4)
            if index + 2 < values.count { bytes.append(values[index + 1] << 4 | values[index + 2] >> 2) }
            if index + 3 < values.count { bytes.append(values[index + 2] << 6 | values[index + 3]) }
            index += 4
        }
        return bytes
    }
}
