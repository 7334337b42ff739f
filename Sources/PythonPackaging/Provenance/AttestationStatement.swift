import FoundationEssentials

/// What an attestation's in-toto statement says: the one file it is about. Read from the
/// envelope's base64 `statement`; the signature over it is not checked here.
struct AttestationStatement: Sendable, Hashable {
    let subjectName: String
    /// Lowercase hex, as the statement writes it (checked to be 64 hex digits).
    let subjectDigest: String
    let predicateType: String

    static let statementType = "https://in-toto.io/Statement/v1"

    init(_ attestation: AttestationDocument) throws(PackagingError) {
        guard attestation.version == 1 else { throw Provenance.problem("an attestation's version is \(attestation.version), not 1") }
        guard Self.isBase64(attestation.envelope.signature), Self.isBase64(attestation.verificationMaterial.certificate) else {
            throw Provenance.problem("an attestation's signature or certificate is not base64")
        }
        guard let bytes = Data(base64Encoded: attestation.envelope.statement) else {
            throw Provenance.problem("an attestation's statement is not base64")
        }
        let statement: StatementDocument
        do {
            statement = try JSONDecoder().decode(StatementDocument.self, from: bytes)
        } catch {
            throw Provenance.problem("an attestation's statement is not an in-toto statement: \(error)")
        }
        guard statement.type == Self.statementType else {
            throw Provenance.problem("an attestation's statement has type '\(statement.type)', not \(Self.statementType)")
        }
        guard statement.subject.count == 1, let subject = statement.subject.first else {
            throw Provenance.problem("an attestation's statement has \(statement.subject.count) subjects, not one")
        }
        guard let digest = subject.digest["sha256"], let parsed = SHA256Digest(hex: digest) else {
            throw Provenance.problem("the subject '\(subject.name)' of an attestation has no sha256 of 64 hexadecimal digits")
        }
        subjectName = subject.name
        subjectDigest = parsed.hex
        predicateType = statement.predicateType
    }

    private static func isBase64(_ text: String) -> Bool { !text.isEmpty && Data(base64Encoded: text) != nil }
}

/// PEP 740's `Provenance`, as far as it is checked.
struct ProvenanceDocument: Decodable {
    struct Bundle: Decodable {
        struct Publisher: Decodable { var kind: String }
        var publisher: Publisher
        var attestations: [AttestationDocument]
    }
    var version: Int
    var attestationBundles: [Bundle]
    enum CodingKeys: String, CodingKey {
        case version
        case attestationBundles = "attestation_bundles"
    }
}

/// PEP 740's `Attestation`: a DSSE envelope and its verification material.
struct AttestationDocument: Decodable {
    struct Envelope: Decodable {
        var statement: String
        var signature: String
    }
    struct Material: Decodable {
        var certificate: String
    }
    var version: Int
    var verificationMaterial: Material
    var envelope: Envelope
    enum CodingKeys: String, CodingKey {
        case version, envelope
        case verificationMaterial = "verification_material"
    }
}

/// An in-toto statement, as far as it is checked.
struct StatementDocument: Decodable {
    struct Subject: Decodable {
        var name: String
        var digest: [String: String]
    }
    var type: String
    var subject: [Subject]
    var predicateType: String
    enum CodingKeys: String, CodingKey {
        case subject, predicateType
        case type = "_type"
    }
}
