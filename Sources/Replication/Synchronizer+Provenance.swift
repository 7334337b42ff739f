import ContentStore
import PythonPackaging

extension Synchronizer {
    /// Fetches the PEP 740 provenance upstream offers for files the repository will hold and
    /// that have none yet, checks each against its file (shape, subject name and sha256), and
    /// records it with the package, before the new version is committed: a page never shows a
    /// file first and its provenance later. A provenance that cannot be fetched or does not
    /// match is a failure of that file's project, read again next time; the file stays.
    func fetchProvenance(for files: [Int64: UpstreamFile], _ step: ChunkStep, into tally: inout SyncTally) async throws {
        let offered = files.filter { $0.value.provenanceURL != nil }
        guard !offered.isEmpty else { return }
        let held = try await store.provenanceUUIDs(packageIDs: Array(offered.keys))
        let wanted = offered.filter { held[$0.key] == nil }.sorted { $0.key < $1.key }
        let results = await concurrentMap(wanted, limit: step.request.connection.downloadConcurrency) { packageID, file in
            await Self.provenance(of: file, client: step.client).map { (packageID, $0) }
        }
        var fetched: [(packageID: Int64, provenance: Provenance)] = []
        for ((_, file), result) in zip(wanted, results) {
            switch result {
            case .success(let item): fetched.append(item)
            case .failure(let failure):
                tally.failures.append(failure)
                if let name = file.distribution?.name.normalized { tally.failedProjects.insert(name) }
            }
        }
        try await store.recordProvenance(fetched)
    }

    private static func provenance(of file: UpstreamFile, client: any UpstreamConnection) async -> Result<Provenance, SyncFailure> {
        guard let url = file.provenanceURL else { return .failure(SyncFailure(subject: file.filename, .badResponse("no provenance offered"))) }
        do throws(ReplicationError) {
            let response = try await client.page(url, accept: Provenance.mediaType, etag: nil, limit: Provenance.maximumSize)
            guard response.status == 200 else {
                throw ReplicationError.badResponse("its provenance at \(url) answered \(response.status)")
            }
            do {
                let provenance = try Provenance(parsing: response.body)
                try provenance.check(filename: file.filename, sha256: file.sha256)
                return .success(provenance)
            } catch {
                throw ReplicationError.badResponse("its provenance at \(url) was refused: \(error.message)")
            }
        } catch {
            return .failure(SyncFailure(subject: file.filename, error))
        }
    }
}
