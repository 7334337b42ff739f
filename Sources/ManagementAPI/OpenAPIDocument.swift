import PythonPackaging

/// The OpenAPI 3.1 document at `/pulp/api/v3/docs/api.json`, built from the operations
/// served. pulp-glue validates it strictly and reads from it: `x-pulp-app-versions` (which
/// plugins exist and at what version; exactly core and python, as `status/` reports them, or
/// pulp-cli refreshes it every time), each operation's parameters, body types and status
/// codes, and `basicAuth` as the way to send credentials. Schemas are left open (`{}`):
/// pulp-glue needs none, and the server checks every body itself.
enum OpenAPIDocument {
    /// The versions Wheelhouse's API behaves as (pulp-cli enables features by them).
    static let versions = [("core", "3.123.1"), ("python", "3.36.4")]

    static func render(_ operations: [APIOperation]) -> JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for operation in operations {
            let entry = (operation.method.rawValue.lowercased(), self.operation(operation))
            if let index = paths.firstIndex(where: { $0.0 == operation.documentPath }) {
                paths[index].1.append(entry)
            } else {
                paths.append((operation.documentPath, [entry]))
            }
        }
        return .object([
            ("openapi", "3.1.0"),
            (
                "info",
                .object([
                    ("title", "Wheelhouse management API"),
                    ("description", "Pulp's v3 REST API for the python plugin, as served by Wheelhouse."),
                    ("version", "v3"),
                    ("x-pulp-app-versions", .object(versions.map { ($0.0, .string($0.1)) })),
                    ("x-pulp-domain-enabled", false),
                ])
            ),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([("securitySchemes", .object([("basicAuth", .object([("type", "http"), ("scheme", "basic")]))]))])),
        ])
    }

    private static func operation(_ operation: APIOperation) -> JSONValue {
        var parameters: [JSONValue] = []
        if let name = operation.pathParameter {
            parameters.append(.object([("name", .string(name)), ("in", "path"), ("required", true), ("schema", .object([("type", "string")]))]))
        }
        for parameter in operation.query {
            var schema: [(String, JSONValue)] = [("type", .string(parameter.schema.rawValue))]
            if parameter.schema == .array { schema.append(("items", .object([("type", "string")]))) }
            var entry: [(String, JSONValue)] = [("name", .string(parameter.name)), ("in", "query"), ("schema", .object(schema))]
            if parameter.schema == .array { entry += [("explode", false), ("style", "form")] }
            parameters.append(.object(entry))
        }
        for header in operation.headers {
            parameters.append(.object([("name", .string(header)), ("in", "header"), ("required", true), ("schema", .object([("type", "string")]))]))
        }
        var members: [(String, JSONValue)] = [("operationId", .string(operation.id)), ("parameters", .array(parameters))]
        if !operation.bodies.isEmpty {
            members.append(
                ("requestBody", .object([("required", true), ("content", .object(operation.bodies.map { ($0.rawValue, .object([("schema", .object([]))])) }))])))
        }
        let json = JSONValue.object([("application/json", .object([("schema", .object([]))]))])
        members.append(
            ("responses", .object(operation.responses.map { code in
                (String(code), .object(code == 204 ? [("description", "")] : [("description", ""), ("content", json)]))
            })))
        if operation.secured { members.append(("security", .array([.object([("basicAuth", .array([]))])]))) }
        return .object(members)
    }
}
