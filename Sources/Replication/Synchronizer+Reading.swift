import ContentStore
import NIOHTTP1
import PythonPackaging

/// Where a page says its upstream's journal is, and the journal serial the page reflects
/// (another Wheelhouse sends both on every page, so that a sync reading only some projects
/// can ask the journal next time).
struct PageMark: Sendable, Hashable {
    var changesURL: String
    var serial: Int64

    init?(_ headers: HTTPHeaders, page: String) {
        guard let location = headers.first(name: "x-wheelhouse-changes"), let changesURL = UpstreamIndex.resolve(location, against: page),
            let serial = headers.first(name: "x-wheelhouse-serial").flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) })
        else { return nil }
        self.changesURL = changesURL
        self.serial = serial
    }
}

/// An index listing read in full.
struct Listing: Sendable {
    var root: UpstreamRoot
    var etag: String?
    /// Another Wheelhouse's journal, from `X-Wheelhouse-Changes`.
    var changesURL: String?
}

extension Synchronizer {
    /// One project page's outcome.
    enum ProjectRead: Sendable {
        case read(UpstreamProject, refused: [RefusedFile], etag: String?, mark: PageMark?)
        case notModified(mark: PageMark?)
        case gone
        case failed(SyncFailure)
    }

    /// The listing, or nil when it is unchanged (304). A listing older than the serial already
    /// applied is a lagging cache: read again with backoff, never applied.
    func readRoot(_ upstream: UpstreamIndex, client: any UpstreamConnection, etag: String?, known: UpstreamPosition?) async throws -> Listing? {
        let knownSerial = known?.serial
        for attempt in 0...client.settings.maxRetries {
            let response = try await client.page(
                upstream.simpleRoot, accept: Self.accept, etag: attempt == 0 ? etag : nil, limit: UpstreamClient.listingLimit)
            if response.status == 304 { return nil }
            guard response.status == 200 else {
                throw ReplicationError.badResponse("\(upstream.simpleRoot) answered \(response.status); is \(upstream.url) a Python package index?")
            }
            let root = try SimplePageReader.root(response.body, contentType: response.contentType, serialHeader: response.serial, page: response.url)
            let changes = response.headers.first(name: "x-wheelhouse-changes").flatMap { UpstreamIndex.resolve($0, against: response.url) }
            // Serials compare only within one journal: a replaced upstream distribution starts over.
            if let knownSerial, let serial = root.serial, serial < knownSerial, known?.changesURL == nil || known?.changesURL == changes {
                logger.warning("upstream listing is older than the last sync; reading again", metadata: ["serial": "\(serial)", "known": "\(knownSerial)"])
                try await Task.sleep(for: .milliseconds(500 * (1 << min(attempt, 5))))
                continue
            }
            return Listing(root: root, etag: response.etag, changesURL: changes)
        }
        throw ReplicationError.stale(
            "\(upstream.simpleRoot) keeps serving a listing older than serial \(knownSerial ?? 0), which was already applied: a cache in front of the upstream lags behind, or the upstream was restored from a backup (then sync once with --full)")
    }

    /// A project's page, conditionally when `etag` is given. Links on it are resolved against
    /// the URL that answered, after redirects (Pulp sends its API's pages to its content app,
    /// whose links are relative).
    func readProject(_ entry: UpstreamProjectEntry, upstream: UpstreamIndex, client: any UpstreamConnection, etag: String?) async -> ProjectRead {
        let url = upstream.projectURL(entry.normalized)
        do {
            for attempt in 0...client.settings.maxRetries {
                let response = try await client.page(url, accept: Self.accept, etag: attempt == 0 ? etag : nil, limit: UpstreamClient.pageLimit)
                let mark = PageMark(response.headers, page: response.url)
                switch response.status {
                case 304: return .notModified(mark: mark)
                case 404, 410: return .gone
                case 200: break
                default: throw ReplicationError.badResponse("\(url) answered \(response.status)")
                }
                let (project, refused) = try SimplePageReader.project(
                    response.body, contentType: response.contentType, serialHeader: response.serial, page: response.url, fallbackName: entry.name)
                if let listed = entry.serial, let serial = project.serial, serial < listed {
                    try await Task.sleep(for: .milliseconds(500 * (1 << min(attempt, 5))))
                    continue
                }
                progress(.projectRead(entry.normalized))
                return .read(project, refused: refused, etag: response.etag, mark: mark)
            }
            throw ReplicationError.stale("\(url) keeps serving a page older than the serial \(entry.serial ?? 0) the listing names; it was not applied")
        } catch let error as ReplicationError {
            return .failed(SyncFailure(subject: entry.normalized, error))
        } catch {
            return .failed(SyncFailure(subject: entry.normalized, .badResponse("\(error)")))
        }
    }
}
