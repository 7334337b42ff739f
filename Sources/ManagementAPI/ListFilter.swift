import Foundation

/// The filters of a list of named objects (repositories, remotes, distributions), from the
/// query string and from `q`: `name`, `name__in`, `name__contains`, `name__icontains`,
/// `name__startswith`, `base_path` and its variants, `pulp_label_select`; and `ordering`.
/// Every filter given must hold.
struct ListFilter: Sendable {
    /// What a filter is checked against.
    struct Subject {
        let name: String
        let labels: [String: String]
        var basePath: String?
        let created: Int64
    }

    private var conditions: [@Sendable (Subject) -> Bool] = []
    private(set) var ordering: [(key: String, descending: Bool)] = []

    /// The filters a list operation declares (`q` adds expressions of the same).
    static let names = [
        "name", "name__in", "name__contains", "name__icontains", "name__startswith", "name__istartswith", "pulp_label_select", "q",
        "ordering",
    ]
    static let basePathNames = ["base_path", "base_path__in", "base_path__contains", "base_path__icontains"]

    init(_ parameters: [(String, String)], basePaths: Bool = false) throws(APIFailure) {
        for (name, value) in parameters {
            if name == "q" {
                for (negated, key, text) in try Self.expression(value) {
                    guard Self.names.contains(key) && key != "q" && key != "ordering" || basePaths && Self.basePathNames.contains(key) else {
                        throw .field("q", "The filter '\(key)' is not supported in q; use \((Self.names.dropLast(2) + (basePaths ? Self.basePathNames : [])).joined(separator: ", ")).")
                    }
                    let condition = try Self.condition(key, text)
                    conditions.append(negated ? { @Sendable subject in !condition(subject) } : condition)
                }
            } else if name == "ordering" {
                for key in value.split(separator: ",") {
                    let descending = key.hasPrefix("-")
                    let field = String(descending ? key.dropFirst() : key)
                    guard ["name", "pulp_created", "base_path"].contains(field) else {
                        throw .field("ordering", "Cannot order by '\(field)'; use name, pulp_created or base_path, with '-' for descending.")
                    }
                    ordering.append((field, descending))
                }
            } else if Self.names.contains(name) || basePaths && Self.basePathNames.contains(name) {
                conditions.append(try Self.condition(name, value))
            }
        }
    }

    private static func condition(_ name: String, _ value: String) throws(APIFailure) -> @Sendable (Subject) -> Bool {
        let list = Set(value.split(separator: ",").map(String.init))
        switch name {
        case "name": return { $0.name == value }
        case "name__in": return { list.contains($0.name) }
        case "name__contains": return { $0.name.contains(value) }
        case "name__icontains": return { $0.name.range(of: value, options: .caseInsensitive) != nil }
        case "name__startswith": return { $0.name.hasPrefix(value) }
        case "name__istartswith": return { $0.name.lowercased().hasPrefix(value.lowercased()) }
        case "base_path": return { $0.basePath == value }
        case "base_path__in": return { $0.basePath.map(list.contains) ?? false }
        case "base_path__contains": return { $0.basePath?.contains(value) ?? false }
        case "base_path__icontains": return { $0.basePath?.range(of: value, options: .caseInsensitive) != nil }
        default:
            let selector = try LabelSelector(value)
            return { selector.matches($0.labels) }
        }
    }

    func matches(_ subject: Subject) -> Bool { conditions.allSatisfy { $0(subject) } }

    /// `items` filtered and ordered (by default newest first, as Pulp lists).
    func apply<Item>(_ items: [Item], _ subject: (Item) -> Subject) -> [Item] {
        let kept = items.map { ($0, subject($0)) }.filter { matches($0.1) }
        let order = ordering.isEmpty ? [("pulp_created", true)] : ordering.map { ($0.key, $0.descending) }
        return kept.sorted { a, b in
            for (key, descending) in order {
                let (x, y) = descending ? (b.1, a.1) : (a.1, b.1)
                switch key {
                case "name": if x.name != y.name { return x.name < y.name }
                case "base_path": if x.basePath != y.basePath { return (x.basePath ?? "") < (y.basePath ?? "") }
                default: if x.created != y.created { return x.created < y.created }
                }
            }
            return false
        }.map(\.0)
    }

    /// `q`: `filter="value"` terms joined by `AND`, each optionally preceded by `NOT`
    /// (the subset of Pulp's expression language that pulpcore's replication and pulp-cli
    /// send).
    static func expression(_ text: String) throws(APIFailure) -> [(negated: Bool, key: String, value: String)] {
        var terms: [(Bool, String, String)] = []
        var rest = Substring(text)
        func skipSpaces() { rest = rest.drop { $0 == " " } }
        while true {
            skipSpaces()
            var negated = false
            if rest.hasPrefix("NOT ") {
                negated = true
                rest = rest.dropFirst(4)
                skipSpaces()
            }
            guard let equals = rest.firstIndex(of: "=") else { throw .field("q", "Expected filter=\"value\" in q, got '\(rest)'.") }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: equals)...]
            guard let quote = rest.first, quote == "\"" || quote == "'" else {
                throw .field("q", "The value of '\(key)' in q must be quoted.")
            }
            rest = rest.dropFirst()
            guard let end = rest.firstIndex(of: quote) else { throw .field("q", "The value of '\(key)' in q has no closing quote.") }
            terms.append((negated, key, String(rest[..<end])))
            rest = rest[rest.index(after: end)...]
            skipSpaces()
            if rest.isEmpty { return terms }
            guard rest.hasPrefix("AND ") else { throw .field("q", "Only AND joins terms in q here; got '\(rest)'.") }
            rest = rest.dropFirst(4)
        }
    }
}
