import ContentStore
import PythonPackaging

extension Synchronizer {
    /// Warehouse's `info` members for metadata not read yet (no `metadata_version`).
    static let unknownMetadataMembers = CoreMetadata(parsing: []).warehouseInfoMembers

    /// Records upstream files without downloading them, in one transaction: identity, size,
    /// upload time and requires-python from the page, name and version from the filename, and
    /// the PEP 658 metadata hash, whose file the server fetches with the distribution's on
    /// first request. No file body is ever downloaded: a size the page does not declare (HTML
    /// pages, Pulp's published ones) is asked of the upstream with `HEAD`, and a file whose
    /// size cannot be learned is a failure, to be synced with the immediate policy instead.
    func recordOnDemand(
        _ files: [UpstreamFile], keep: Bool, client: any UpstreamConnection, now: Timestamp, into tally: inout SyncTally
    ) async throws -> [Result<Package, SyncFailure>] {
        let unsized = files.filter { $0.size == nil }
        let learned = await concurrentMap(unsized, limit: client.settings.downloadConcurrency) { file -> Result<Int64, SyncFailure> in
            do throws(ReplicationError) {
                guard let size = try await client.size(of: file.url) else {
                    return .failure(
                        SyncFailure(
                            subject: file.filename,
                            .badResponse("upstream gives no size for it, on its page or to a HEAD request; sync it with --policy immediate")))
                }
                return .success(size)
            } catch {
                return .failure(SyncFailure(subject: file.filename, error))
            }
        }
        tally.sizesFromHead += learned.count { if case .success = $0 { true } else { false } }
        let sizes = Dictionary(zip(unsized.map(\.url), learned), uniquingKeysWith: { first, _ in first })

        var results: [Result<Package, SyncFailure>] = []
        var news: [(index: Int, package: NewPackage)] = []
        for file in files {
            let size: Int64
            let outcome = file.size.map { Result<Int64, SyncFailure>.success($0) } ?? sizes[file.url]
            switch outcome {
            case .success(let known)?:
                size = known
            case .failure(let failure)?:
                results.append(.failure(failure))
                continue
            case nil:
                results.append(.failure(SyncFailure(subject: file.filename, .badResponse("its size is unknown"))))
                continue
            }
            guard let distribution = file.distribution else {
                results.append(.failure(SyncFailure(subject: file.filename, .badResponse("its name is not a distribution filename"))))
                continue
            }
            // Every Warehouse `info` member, null until the metadata is fetched, but what the page told.
            let members = Self.unknownMetadataMembers.map { member -> (String, JSONValue) in
                switch member.0 {
                case "name": (member.0, .string(distribution.name.original))
                case "version": (member.0, .string(distribution.versionText))
                case "requires_python": (member.0, .optional(file.requiresPython))
                default: member
                }
            }
            news.append(
                (results.count, NewPackage(
                    filename: file.filename, sha256: file.sha256, size: size, md5: nil, blake2b256: nil, name: distribution.name.original,
                    version: distribution.versionText, packageType: distribution.packageType, pythonVersion: distribution.pythonVersion,
                    requiresPython: file.requiresPython, metadataJSON: JSONValue.object(members).rendered, metadataSHA256: file.coreMetadataSHA256,
                    uploadTime: file.uploadTime ?? now, upstreamURL: file.url, keepFetched: keep)))
            results.append(.failure(SyncFailure(subject: file.filename, .badResponse("not recorded"))))
        }
        for (item, package) in zip(news, try await store.record(news.map(\.package))) {
            results[item.index] = .success(package)
            progress(.fileStored(package.filename, bytes: 0))
        }
        return results
    }
}
