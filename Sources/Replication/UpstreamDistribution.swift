import Foundation
public import PythonPackaging

/// One distribution an upstream Pulp lists, as replication reads it: checked at the boundary
/// (an absolute http(s) `base_url`, a name), with whether it serves anything.
public struct UpstreamDistribution: Sendable, Hashable {
    public let name: String
    public let basePath: String
    /// Where its index is (`…/pypi/<base_path>/`), absolute.
    public let baseURL: String
    /// Whether it serves a repository, a version or a publication (pull-through only: not).
    public let servesContent: Bool
    /// When its content last changed, by the upstream's clock.
    public let noContentChangeSince: Timestamp?
    /// Its `pulp_labels` (the replica carries them, so that a tier below selects by them too).
    public let labels: [String: String]

    public init(
        name: String, basePath: String, baseURL: String, servesContent: Bool, noContentChangeSince: Timestamp?, labels: [String: String] = [:]
    ) {
        self.name = name
        self.basePath = basePath
        self.baseURL = baseURL
        self.servesContent = servesContent
        self.noContentChangeSince = noContentChangeSince
        self.labels = labels
    }

    /// A page of the upstream's list: its distributions, how many it has in all, and the next
    /// page's URL (on the same origin as `page`, or nil).
    static func page(_ body: [UInt8], from page: String) throws(ReplicationError) -> (distributions: [UpstreamDistribution], count: Int, next: String?) {
        struct Listing: Decodable {
            struct Entry: Decodable {
                let name: String?
                let base_path: String?
                let base_url: String?
                let repository: String?
                let publication: String?
                let repository_version: String?
                let no_content_change_since: String?
                let pulp_labels: [String: String]?
            }
            let count: Int
            let next: String?
            let results: [Entry]
        }
        let listing: Listing
        do {
            listing = try JSONDecoder().decode(Listing.self, from: Data(body))
        } catch {
            throw .badResponse("\(page) is not a Pulp distribution list (count, next, results): \(error)")
        }
        var distributions: [UpstreamDistribution] = []
        for entry in listing.results {
            guard let name = entry.name, !name.isEmpty, let basePath = entry.base_path, !basePath.isEmpty, let base = entry.base_url,
                let baseURL = UpstreamIndex.resolve(base, against: page), UpstreamIndex.isHTTP(baseURL)
            else {
                throw .badResponse("\(page) lists a distribution without a name, a base path or an http(s) base_url")
            }
            let serves = entry.repository != nil || entry.publication != nil || entry.repository_version != nil
            distributions.append(
                UpstreamDistribution(
                    name: name, basePath: basePath, baseURL: baseURL.hasSuffix("/") ? baseURL : baseURL + "/", servesContent: serves,
                    noContentChangeSince: entry.no_content_change_since.flatMap(Timestamp.init(iso8601:)), labels: entry.pulp_labels ?? [:]))
        }
        var next: String?
        if let link = listing.next {
            guard let resolved = UpstreamIndex.resolve(link, against: page), UpstreamClient.origin(of: resolved) == UpstreamClient.origin(of: page) else {
                throw .badResponse("\(page) links its next page on another host (\(link)); it is not followed")
            }
            next = resolved
        }
        return (distributions, max(0, listing.count), next)
    }
}
