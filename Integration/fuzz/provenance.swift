// libFuzzer target: PEP 740 provenance documents as upstreams and the API bring them, and
// attestation lists as twine uploads them, read and checked against a file.
import PythonPackaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProvenance(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let digest = SHA256Digest(hex: String(repeating: "0", count: 64))!
    if let provenance = try? Provenance(parsing: bytes) {
        _ = try? provenance.check(filename: "demo-1.0-py3-none-any.whl", sha256: digest)
    }
    if let uploaded = try? Provenance(uploadedAttestations: String(decoding: bytes, as: UTF8.self), publisher: .object([("kind", "fuzz")])) {
        _ = try? uploaded.check(filename: "demo-1.0.tar.gz", sha256: digest)
    }
    return 0
}
