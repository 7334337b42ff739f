import ContentStore
import PythonPackaging
@testable import Replication
import TestSupport
import Testing

@Suite("PEP 740 provenance is carried by a sync, checked against each file")
struct ProvenanceSyncTests {
    static func attested(_ name: String, _ version: String, digest: String? = nil) -> ScriptedUpstream.File {
        var file = Wheels.file(name, version)
        let attestation = AttestationBuilder.attestation(filename: file.filename, sha256: digest ?? file.sha256)
        file.provenance = Array(AttestationBuilder.provenance([attestation]).utf8)
        return file
    }

    @Test(
        "from JSON and HTML pages: a matching provenance is kept byte for byte; one about other bytes fails its project, which is read again",
        arguments: [true, false])
    func carried(json: Bool) async throws {
        try await ScriptedUpstream.serve { upstream, base in
            let fixture = try await SyncFixture.make()
            defer { fixture.remove() }
            upstream.state.withLock { $0.json = json }
            let good = Self.attested("alpha", "1.0")
            upstream.add("alpha", good)
            upstream.add("beta", Self.attested("beta", "1.0", digest: String(repeating: "0", count: 64)))
            upstream.add("gamma", Wheels.file("gamma", "1.0"))
            let report = try await fixture.sync(base + "/simple/")
            #expect(report.failures.map(\.subject) == ["beta-1.0-py3-none-any.whl"])
            #expect("\(report.failures)".contains("provenance"))
            let served = try await fixture.served()
            #expect(served.count == 3)
            let alpha = try #require(served["alpha-1.0-py3-none-any.whl"])
            #expect(try await fixture.store.provenance(packageID: alpha.package.id)?.document == good.provenance)
            let others = try #require(served["beta-1.0-py3-none-any.whl"]?.package.id), gamma = try #require(served["gamma-1.0-py3-none-any.whl"]?.package.id)
            #expect(Set(try await fixture.store.provenanceUUIDs(packageIDs: [alpha.package.id, others, gamma]).keys) == [alpha.package.id])

            // beta's page is read again and its provenance fetched again, nothing else.
            upstream.clearLog()
            let again = try await fixture.sync(base + "/simple/")
            #expect(again.failures.map(\.subject) == ["beta-1.0-py3-none-any.whl"])
            #expect(upstream.requests.filter { $0.contains("/integrity/") } == ["GET /integrity/beta-1.0-py3-none-any.whl 200"])
        }
    }
}
