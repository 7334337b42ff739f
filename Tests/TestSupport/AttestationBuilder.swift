import Foundation

/// PEP 740 attestations for tests: the shape PyPI's carry, with a statement about the file
/// given. The signature and certificate are placeholder bytes (nothing here verifies them).
public enum AttestationBuilder {
    /// One attestation (JSON text) whose statement names `filename` with `sha256` (hex).
    public static func attestation(filename: String, sha256: String, statementType: String = "https://in-toto.io/Statement/v1") -> String {
        let statement = """
            {"_type":"\(statementType)","subject":[{"name":"\(filename)","digest":{"sha256":"\(sha256)"}}],\
            "predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}
            """
        let encoded = Data(statement.utf8).base64EncodedString()
        let placeholder = Data("not a real signature".utf8).base64EncodedString()
        return """
            {"version":1,"verification_material":{"certificate":"\(placeholder)","transparency_entries":[{"logIndex":"1"}]},\
            "envelope":{"statement":"\(encoded)","signature":"\(placeholder)"}}
            """
    }

    /// A provenance object (JSON text) with one bundle of `attestations` by a GitHub publisher.
    public static func provenance(_ attestations: [String]) -> String {
        """
        {"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"example/example","workflow":"release.yml"},\
        "attestations":[\(attestations.joined(separator: ","))]}]}
        """
    }
}
