import Foundation

/// Where an upstream index keeps its pages, discovered from the URL a remote names: an index
/// base as pulp_python remotes take it (`https://pypi.org/`, `http://host/pypi/<base_path>/`),
/// or the simple root itself (a URL ending in `simple/`).
public struct UpstreamIndex: Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, for messages and for remembering sync state.
    public let url: String
    /// The simple API root, ending in `/`.
    public let simpleRoot: String

    public init(url text: String) throws(ReplicationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw ReplicationError.configuration("'\(text)' is not an http or https URL; give the upstream index's base URL, such as https://pypi.org/")
        }
        var root = trimmed
        if let fragment = root.firstIndex(where: { $0 == "?" || $0 == "#" }) { root = String(root[..<fragment]) }
        if !root.hasSuffix("/") { root += "/" }
        if !root.hasSuffix("/simple/") { root += "simple/" }
        self.url = trimmed
        self.simpleRoot = root
    }

    /// The simple page of a project (by normalized name).
    public func projectURL(_ normalized: String) -> String { simpleRoot + normalized + "/" }

    /// An absolute URL for a link found on the page at `page`, without its fragment.
    static func resolve(_ href: String, against page: String) -> String? {
        guard let resolved = URL(string: href, relativeTo: URL(string: page))?.absoluteURL,
            var components = URLComponents(url: resolved, resolvingAgainstBaseURL: true)
        else { return nil }
        components.fragment = nil
        return components.string
    }

    /// Whether an absolute URL is http or https: the only schemes files are fetched over (the
    /// HTTP client speaks others, such as `http+unix`, that an upstream must not pick).
    static func isHTTP(_ url: String) -> Bool {
        let lowered = url.prefix(8).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    public var description: String { url }
}
