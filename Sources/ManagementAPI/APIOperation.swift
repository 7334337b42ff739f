import HTTPTypes
import Hummingbird
import IndexServer

/// One operation of the management API: how it is routed, and how the OpenAPI document
/// declares it (pulp-glue finds operations by `operationId` and checks every parameter,
/// body type and status against the document). Routes and document come from the same
/// list, so they cannot disagree.
struct APIOperation: Sendable {
    typealias Handler = @Sendable (Request, IndexRequestContext) async throws -> Response

    /// Where an operation lives.
    enum Path: Sendable {
        /// A fixed path under the API root, such as `status/`.
        case fixed(String)
        /// A list of objects of a kind, and what follows it (`repositories/python/python/`).
        case list(Href.Kind)
        /// One object by href, and what follows it (`{…_href}sync/`).
        case item(Href.Kind, parameter: String, suffix: String = "")
        /// The versions of a repository (`{…_repository_href}versions/`).
        case versions
        /// One repository version.
        case version
    }

    enum BodyType: String, Sendable {
        case json = "application/json"
        case form = "application/x-www-form-urlencoded"
        case multipart = "multipart/form-data"
    }

    /// A query parameter and the schema pulp-glue checks its value against.
    struct Parameter: Sendable {
        enum Schema: String, Sendable { case string, integer, boolean, array }
        let name: String
        let schema: Schema
    }

    let id: String
    let method: HTTPRequest.Method
    let path: Path
    var query: [Parameter] = []
    var headers: [String] = []
    var bodies: [BodyType] = []
    let responses: [Int]
    var secured = true
    let handler: Handler

    static let repositoryHref = "python_python_repository_href"
    static let versionHref = "python_python_repository_version_href"

    /// The route Hummingbird matches, under `/pulp/api/v3/`.
    var route: String {
        switch path {
        case .fixed(let path): "pulp/api/v3/" + path
        case .list(let kind): "pulp/api/v3/" + kind.rawValue
        case .item(let kind, _, let suffix): "pulp/api/v3/" + kind.rawValue + "{uuid}/" + suffix
        case .versions: "pulp/api/v3/" + Href.Kind.repository.rawValue + "{uuid}/versions/"
        case .version: "pulp/api/v3/" + Href.Kind.repository.rawValue + "{uuid}/versions/{number}/"
        }
    }

    /// The path as the document names it: pulp-glue puts a whole href in for `{…_href}`.
    var documentPath: String {
        switch path {
        case .fixed(let path): Href.root + path
        case .list(let kind): kind.list
        case .item(_, let parameter, let suffix): "{\(parameter)}" + suffix
        case .versions: "{\(Self.repositoryHref)}versions/"
        case .version: "{\(Self.versionHref)}"
        }
    }

    var pathParameter: String? {
        switch path {
        case .fixed, .list: nil
        case .item(_, let parameter, _): parameter
        case .versions: Self.repositoryHref
        case .version: Self.versionHref
        }
    }
}

extension APIOperation.Parameter {
    static let offset = Self(name: "offset", schema: .integer)
    static let limit = Self(name: "limit", schema: .integer)
    static let fields = Self(name: "fields", schema: .array)
    static let excludeFields = Self(name: "exclude_fields", schema: .array)

    /// What every list takes.
    static let paging = [offset, limit, fields, excludeFields]

    /// `fields` and `exclude_fields`, which every read takes.
    static let reading = [fields, excludeFields]

    /// A list's parameters: paging and these filters (`__in` filters and `fields` are lists).
    static func list(_ names: [String]) -> [Self] {
        paging + names.map { Self(name: $0, schema: $0.hasSuffix("__in") ? .array : .string) }
    }
}
