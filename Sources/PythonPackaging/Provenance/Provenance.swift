import FoundationEssentials

/// A PEP 740 provenance object: a file's attestations, grouped by who published them.
///
/// Kept as the bytes it came as: nothing is dropped or re-encoded, so a mirror serves what
/// its upstream served. Read only to check what can be checked without Sigstore: the shape,
/// and that every attestation's in-toto statement names this file and its sha256.
/// Signatures, certificates and transparency-log entries are kept but not verified.
public struct Provenance: Sendable, Hashable {
    /// The JSON document, as received or as built from uploaded attestations.
    public let document: [UInt8]
    /// Each bundle's publisher `kind` (`GitHub`, `GitLab`, …), in order.
    public let publisherKinds: [String]
    /// The statements of every attestation, in order.
    let statements: [AttestationStatement]

    /// The largest document read (PyPI's are a few kilobytes).
    public static let maximumSize = 1 << 20
    /// The media type of the Integrity API's provenance responses.
    public static let mediaType = "application/vnd.pypi.integrity.v1+json"

    /// Reads a provenance document (`{"version": 1, "attestation_bundles": […]}`).
    public init(parsing document: [UInt8]) throws(PackagingError) {
        guard document.count <= Self.maximumSize else { throw Self.problem("it is larger than \(Self.maximumSize) bytes") }
        let decoded: ProvenanceDocument = try Self.decode(document, what: "a provenance object")
        guard decoded.version == 1 else { throw Self.problem("its version is \(decoded.version), not 1") }
        guard !decoded.attestationBundles.isEmpty else { throw Self.problem("it has no attestation bundles") }
        var statements: [AttestationStatement] = []
        for bundle in decoded.attestationBundles {
            guard !bundle.attestations.isEmpty else { throw Self.problem("a bundle published by '\(bundle.publisher.kind)' has no attestations") }
            for attestation in bundle.attestations { statements.append(try AttestationStatement(attestation)) }
        }
        self.document = document
        self.publisherKinds = decoded.attestationBundles.map(\.publisher.kind)
        self.statements = statements
    }

    /// The provenance of attestations uploaded with a file (twine's `attestations` form field,
    /// a JSON array), as one bundle published by `publisher` (a JSON object with a `kind`).
    /// The attestations are embedded as sent.
    public init(uploadedAttestations json: String, publisher: JSONValue) throws(PackagingError) {
        let sent = Array(json.utf8)
        guard sent.count <= Self.maximumSize else { throw Self.problem("the attestations are larger than \(Self.maximumSize) bytes") }
        let attestations: [AttestationDocument] = try Self.decode(sent, what: "a JSON array of attestations")
        guard !attestations.isEmpty else { throw Self.problem("the list of attestations is empty") }
        guard case .object(let members) = publisher, members.contains(where: { $0.0 == "kind" }) else {
            throw Self.problem("the publisher is not an object with a kind")
        }
        var document: [UInt8] = []
        document.append(contentsOf: #"{"version":1,"attestation_bundles":[{"publisher":"#.utf8)
        publisher.render(into: &document)
        document.append(contentsOf: #","attestations":"#.utf8)
        document.append(contentsOf: sent)
        document.append(contentsOf: "}]}".utf8)
        try self.init(parsing: document)
    }

    /// Checks that every attestation is about the file `filename` with digest `sha256`.
    public func check(filename: String, sha256: SHA256Digest) throws(PackagingError) {
        for statement in statements {
            guard statement.subjectDigest == sha256.hex else {
                throw Self.problem("an attestation is for a file with sha256 \(statement.subjectDigest), not \(sha256.hex) ('\(filename)')")
            }
            guard Self.sameDistribution(statement.subjectName, filename) else {
                throw Self.problem("an attestation names '\(statement.subjectName)', not '\(filename)'")
            }
        }
    }

    /// Whether two filenames name the same distribution file, as pypi-attestations compares
    /// them: equal, or the same kind, project (normalized), version and tags.
    static func sameDistribution(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let first = try? DistributionFilename(parsing: a), let second = try? DistributionFilename(parsing: b) else { return false }
        return first.name == second.name && first.version != nil && first.version == second.version && first.packageType == second.packageType
            && first.pythonVersion == second.pythonVersion && first.platformFamilies == second.platformFamilies
    }

    static func problem(_ reason: String) -> PackagingError {
        PackagingError(.invalidProvenance, "The provenance is not valid (PEP 740): \(reason).")
    }

    private static func decode<Document: Decodable>(_ bytes: [UInt8], what: String) throws(PackagingError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            throw problem("it is not \(what): \(error)")
        }
    }

    public static func == (lhs: Provenance, rhs: Provenance) -> Bool { lhs.document == rhs.document }
    public func hash(into hasher: inout Hasher) { hasher.combine(document) }
}
