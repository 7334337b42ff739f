/// The management API's objects as hrefs (`/pulp/api/v3/repositories/python/python/<uuid>/`)
/// and PRNs (`prn:python.pythonrepository:<uuid>`), both ways. Requests may name an object
/// by either (pulp-cli sends PRNs to a Pulp of 3.63 or later).
enum Href {
    static let root = "/pulp/api/v3/"

    /// A kind of object: where its hrefs live and its PRN type.
    enum Kind: String, Sendable, CaseIterable {
        case repository = "repositories/python/python/"
        case remote = "remotes/python/python/"
        case publication = "publications/python/pypi/"
        case distribution = "distributions/python/pypi/"
        case package = "content/python/packages/"
        case task = "tasks/"
        case taskGroup = "task-groups/"
        case upload = "uploads/"
        case upstreamPulp = "upstream-pulps/"
        case artifact = "artifacts/"
        case provenance = "content/python/provenance/"
        /// Named by an integer ID, as Pulp's users are.
        case user = "users/"

        var prnType: String {
            switch self {
            case .repository: "python.pythonrepository"
            case .remote: "python.pythonremote"
            case .publication: "python.pythonpublication"
            case .distribution: "python.pythondistribution"
            case .package: "python.pythonpackagecontent"
            case .task: "core.task"
            case .taskGroup: "core.taskgroup"
            case .upload: "core.upload"
            case .upstreamPulp: "core.upstreampulp"
            case .artifact: "core.artifact"
            case .provenance: "python.packageprovenance"
            case .user: "auth.user"
            }
        }

        var list: String { Href.root + rawValue }
    }

    static func of(_ kind: Kind, _ uuid: String) -> String { kind.list + uuid + "/" }

    static func prn(_ kind: Kind, _ uuid: String) -> String { "prn:\(kind.prnType):\(uuid)" }

    static func version(repository uuid: String, number: Int) -> String { of(.repository, uuid) + "versions/\(number)/" }

    static func versionPRN(_ uuid: String) -> String { "prn:core.repositoryversion:\(uuid)" }

    /// The UUID an href or PRN of `kind` names, or nil when it names something else.
    static func uuid(_ reference: String, of kind: Kind) -> String? {
        let uuid: Substring
        if reference.hasPrefix("prn:") {
            let prefix = prn(kind, "")
            guard reference.hasPrefix(prefix) else { return nil }
            uuid = reference.dropFirst(prefix.count)
        } else {
            guard reference.hasPrefix(kind.list), reference.hasSuffix("/") else { return nil }
            uuid = reference.dropFirst(kind.list.count).dropLast()
        }
        return isUUID(uuid) ? String(uuid) : nil
    }

    /// The repository UUID and version number a version href names.
    static func version(_ reference: String) -> (repository: String, number: Int)? {
        guard reference.hasPrefix(Kind.repository.list), reference.hasSuffix("/") else { return nil }
        let parts = reference.dropFirst(Kind.repository.list.count).dropLast().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, isUUID(parts[0]), parts[1] == "versions", let number = Int(parts[2]), number >= 0,
            parts[2].allSatisfy(\.isASCII)
        else { return nil }
        return (String(parts[0]), number)
    }

    /// 8-4-4-4-12 lowercase hexadecimal digits.
    static func isUUID(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) else {
                    return false
                }
            }
        }
        return true
    }
}
