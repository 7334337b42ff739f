import Foundation
import PythonPackaging
import Testing
import TestSupport

@Suite("PEP 740 provenance: kept as sent, checked against the file offline")
struct ProvenanceTests {
    static let filename = "sampleproject-4.0.0-py3-none-any.whl"
    static let digest = String(repeating: "ab", count: 32)
    static var sha256: SHA256Digest { SHA256Digest(hex: digest)! }

    @Test("a provenance about the file is read, kept byte for byte, and passes the check")
    func matching() throws {
        let text = AttestationBuilder.provenance([AttestationBuilder.attestation(filename: Self.filename, sha256: Self.digest)])
        let provenance = try Provenance(parsing: Array(text.utf8))
        #expect(provenance.document == Array(text.utf8))
        #expect(provenance.publisherKinds == ["GitHub"])
        try provenance.check(filename: Self.filename, sha256: Self.sha256)
        // pypi-attestations compares names as distributions: case and separators do not matter.
        try provenance.check(filename: "SampleProject-4.0.0-py3-none-any.whl", sha256: Self.sha256)
    }

    @Test("an attestation about other bytes, or another file, fails the check and says which")
    func mismatch() throws {
        let text = AttestationBuilder.provenance([AttestationBuilder.attestation(filename: Self.filename, sha256: Self.digest)])
        let provenance = try Provenance(parsing: Array(text.utf8))
        let other = SHA256Digest(hex: String(repeating: "cd", count: 32))!
        #expect(throws: PackagingError.self) { try provenance.check(filename: Self.filename, sha256: other) }
        do {
            try provenance.check(filename: "sampleproject-4.0.1-py3-none-any.whl", sha256: Self.sha256)
            Issue.record("another version's file passed")
        } catch {
            #expect(error.code == .invalidProvenance)
            #expect(error.message.contains("sampleproject-4.0.0-py3-none-any.whl"))
        }
    }

    @Test("uploaded attestations become one bundle by the uploader, embedded as sent")
    func uploaded() throws {
        let attestation = AttestationBuilder.attestation(filename: Self.filename, sha256: Self.digest)
        let sent = "[\(attestation)]"
        let provenance = try Provenance(
            uploadedAttestations: sent, publisher: .object([("kind", "Wheelhouse user"), ("username", "alice")]))
        let document = String(decoding: provenance.document, as: UTF8.self)
        #expect(document.contains(sent))
        #expect(provenance.publisherKinds == ["Wheelhouse user"])
        try provenance.check(filename: Self.filename, sha256: Self.sha256)
    }

    @Test(
        "hostile or malformed documents are refused with the reason",
        arguments: [
            ("", "not a provenance object"),
            ("[]", "not a provenance object"),
            (#"{"version":2,"attestation_bundles":[]}"#, "version is 2"),
            (#"{"version":1,"attestation_bundles":[]}"#, "no attestation bundles"),
            (#"{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub"},"attestations":[]}]}"#, "has no attestations"),
            (AttestationBuilder.provenance([AttestationBuilder.attestation(filename: filename, sha256: "XYZ")]), "64 hexadecimal"),
            (AttestationBuilder.provenance([AttestationBuilder.attestation(filename: filename, sha256: digest, statementType: "other")]), "type 'other'"),
            (
                AttestationBuilder.provenance([
                    AttestationBuilder.attestation(filename: filename, sha256: digest).replacingOccurrences(of: #""statement":""#, with: #""statement":"%%"#)
                ]), "statement is not base64"
            ),
        ])
    func refused(document: String, reason: String) {
        do {
            _ = try Provenance(parsing: Array(document.utf8))
            Issue.record("accepted: \(document)")
        } catch {
            #expect(error.code == .invalidProvenance)
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test("uploaded attestations that are not a JSON array, or that would splice into the document, are refused")
    func uploadSplice() {
        let attestation = AttestationBuilder.attestation(filename: Self.filename, sha256: Self.digest)
        for sent in ["", "{}", "[]", "[\(attestation)]]}, {\"x\":[", "[\(attestation)] trailing"] {
            #expect(throws: PackagingError.self, "\(sent)") {
                try Provenance(uploadedAttestations: sent, publisher: .object([("kind", "Wheelhouse user")]))
            }
        }
    }
}
