import Hummingbird
import PythonPackaging

/// `{count, next, previous, results}` with `offset` and `limit` (Pulp's default of 100 per
/// page; at most 1000).
struct Page {
    let offset: Int
    let limit: Int

    init(_ request: Request) throws(APIFailure) {
        let query = request.uri.queryParameters
        let offset = query.get("offset").map { Int($0) } ?? 0
        let limit = query.get("limit").map { Int($0) } ?? 100
        guard let offset, offset >= 0 else { throw .field("offset", "A valid integer is required.") }
        guard let limit, limit >= 1 else { throw .field("limit", "A valid integer is required.") }
        self.offset = offset
        self.limit = min(limit, 1000)
    }

    /// The page of `items` (all of them, already filtered and ordered), rendered.
    func render<Item>(_ items: [Item], request: Request, _ item: (Item) async throws -> JSONValue) async throws -> JSONValue {
        var results: [JSONValue] = []
        for element in items.dropFirst(offset).prefix(limit) { results.append(try await item(element)) }
        return render(count: items.count, results: results, request: request)
    }

    /// A page whose results the store already cut out of `count` in all.
    func render(count: Int, results: [JSONValue], request: Request) -> JSONValue {
        let fields = FieldSelection(request)
        let next = offset + limit < count ? link(request, offset: offset + limit) : nil
        let previous = offset > 0 ? link(request, offset: max(0, offset - limit)) : nil
        return .object([
            ("count", .integer(Int64(count))), ("next", .optional(next)), ("previous", .optional(previous)),
            ("results", .array(results.map(fields.apply))),
        ])
    }

    /// The same request's URL at another offset, its other query parameters as they were sent.
    private func link(_ request: Request, offset: Int) -> String {
        var parameters = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("offset=") && !$0.hasPrefix("limit=") }
            .map(String.init)
        parameters.append("limit=\(limit)")
        parameters.append("offset=\(offset)")
        return request.uri.path + "?" + parameters.joined(separator: "&")
    }
}

/// `fields` and `exclude_fields` (comma-separated or repeated): which keys of each object
/// a response keeps.
struct FieldSelection {
    let only: Set<String>?
    let excluded: Set<String>

    init(_ request: Request) {
        let query = request.uri.queryParameters
        let split = { (name: String) in Set(query.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }) }
        let only = split("fields")
        self.only = only.isEmpty ? nil : only
        excluded = split("exclude_fields")
    }

    func apply(_ value: JSONValue) -> JSONValue {
        guard only != nil || !excluded.isEmpty, case .object(let members) = value else { return value }
        return .object(members.filter { (only?.contains($0.0) ?? true) && !excluded.contains($0.0) })
    }
}
