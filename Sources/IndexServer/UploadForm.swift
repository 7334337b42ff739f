package import ContentStore
import Digests
package import Hummingbird
import PackageArchives
import PythonPackaging

/// The fields of an upload form and its file, received from a streamed multipart body.
package struct UploadForm: Sendable {
    package struct File: Sendable {
        package let filename: String
        package let written: WrittenBlob
    }

    package var fields: [String: String] = [:]
    package var file: File?

    /// The most bytes all non-file fields together may hold, names included (descriptions can
    /// be long).
    static let maximumFieldBytes = 8 << 20
    /// The most parts a form may have (twine sends a few dozen; classifiers repeat).
    static let maximumParts = 2_000

    /// Reads the body; the file part (twine's `content`, pulp-cli's `file`) goes to a blob
    /// writer, the rest into `fields`. A form whose `:action` comes before the file (as twine
    /// sends it) is refused before the file is written when that action is not an upload.
    package static func receive(
        _ body: RequestBody, boundary: String, blobs: BlobStore, maximumFileSize: Int64, filePart: String = "content"
    ) async throws -> UploadForm {
        var parser = MultipartParser(boundary: boundary)
        var form = UploadForm()
        var writer: BlobWriter?
        var current: (name: String, filename: String?)?
        var value: [UInt8] = []
        var values: [String: [String]] = [:]
        var fieldBytes = 0
        var parts = 0
        do {
            for try await chunk in body {
                for event in try parser.feed(chunk.readableBytesView) {
                    switch event {
                    case .partStart(let name, let filename):
                        current = (name, filename)
                        value = []
                        parts += 1
                        guard parts <= maximumParts else { throw HTTPFailure(.badRequest, "The upload form has more than \(maximumParts) parts.") }
                        if name == filePart {
                            guard form.file == nil, writer == nil else { throw HTTPFailure(.badRequest, "The upload has more than one '\(filePart)' part.") }
                            guard let filename, DistributionFilename.isSafe(filename) else {
                                throw HTTPFailure(.badRequest, "The uploaded file has no usable filename: '\(filename ?? "")'.")
                            }
                            if let action = values[":action"]?.last { try checkAction(action, protocolVersion: values["protocol_version"]?.last) }
                            writer = try await blobs.makeWriter(maximumSize: maximumFileSize)
                        } else {
                            try count(name.utf8.count + 1, into: &fieldBytes)
                        }
                    case .data(let bytes):
                        if let writer {
                            try await writer.write(ByteBuffer(bytes: bytes))
                        } else {
                            try count(bytes.count, into: &fieldBytes)
                            value.append(contentsOf: bytes)
                        }
                    case .partEnd:
                        if let part = current, part.name == filePart, let active = writer {
                            form.file = File(filename: part.filename ?? "", written: try await active.finish())
                            writer = nil
                        } else if let part = current {
                            values[part.name, default: []].append(String(decoding: value, as: UTF8.self))
                        }
                        current = nil
                    }
                }
            }
            guard parser.isComplete else { throw HTTPFailure(.badRequest, "The upload body ended before its closing boundary (truncated?).") }
            // Repeated fields (classifiers, requires_dist) are joined; only single ones are checked.
            form.fields = values.mapValues { $0.joined(separator: "\n") }
        } catch {
            await writer?.abandon()
            if let file = form.file { await blobs.discard(file.written) }
            if let failure = error as? MultipartParser.Failure, case .malformed(let why) = failure {
                throw HTTPFailure(.badRequest, "The upload body is not valid multipart/form-data: \(why).")
            }
            throw error
        }
        return form
    }

    /// Adds bytes of non-file fields to the running total, which may not pass the cap.
    private static func count(_ bytes: Int, into total: inout Int) throws {
        total += bytes
        guard total <= maximumFieldBytes else {
            throw HTTPFailure(.contentTooLarge, "The upload's form fields are larger than \(maximumFieldBytes) bytes.")
        }
    }

    /// The form asks for a file upload in protocol version 1.
    func checkAction() throws { try Self.checkAction(fields[":action"], protocolVersion: fields["protocol_version"]) }

    private static func checkAction(_ action: String?, protocolVersion: String?) throws {
        guard action == "file_upload" else {
            throw HTTPFailure(.badRequest, "Unsupported ':action' \(action.map { "'\($0)'" } ?? "(none)"): only 'file_upload' is handled.")
        }
        if let protocolVersion, protocolVersion != "1" {
            throw HTTPFailure(.badRequest, "Unknown protocol_version '\(protocolVersion)': only 1 is supported.")
        }
    }

    /// The digests the client sent must match the bytes; at least one must be sent.
    func checkDigests(of digests: FileDigests) throws {
        let declared: [(String, String)] = [
            ("sha256_digest", digests.sha256.hex), ("md5_digest", digests.md5), ("blake2_256_digest", digests.blake2b256),
        ]
        var checked = 0
        for (field, actual) in declared {
            guard let sent = fields[field]?.trimmingSpaces().lowercased(), !sent.isEmpty else { continue }
            checked += 1
            guard sent == actual else {
                throw HTTPFailure(.badRequest, "The \(field) sent (\(sent)) does not match the file received (\(actual)); the upload was damaged on the way or the digest is wrong.")
            }
        }
        guard checked > 0 else {
            throw HTTPFailure(.badRequest, "Include at least one message digest (sha256_digest, md5_digest or blake2_256_digest).")
        }
    }

    /// The form's name, version and filetype, when given, must describe the file.
    func checkAgreement(with inspected: InspectedDistribution) throws {
        let metadata = inspected.metadata
        if let name = fields["name"], !name.isEmpty, ProjectName.normalize(name) != ProjectName.normalize(metadata.name ?? "") {
            throw HTTPFailure(.badRequest, "The form names the project '\(name)' but the file's metadata says '\(metadata.name ?? "")'.")
        }
        if let version = fields["version"], !version.isEmpty, let metadataVersion = metadata.version,
            !Self.sameVersion(version, metadataVersion)
        {
            throw HTTPFailure(.badRequest, "The form says version '\(version)' but the file's metadata says '\(metadataVersion)'.")
        }
        if let filetype = fields["filetype"], !filetype.isEmpty, filetype != inspected.filename.packageType {
            throw HTTPFailure(.badRequest, "The form says filetype '\(filetype)' but the file is a \(inspected.filename.packageType).")
        }
    }

    private static func sameVersion(_ a: String, _ b: String) -> Bool {
        if let left = Version(a), let right = Version(b) { return left == right }
        return a == b
    }
}
