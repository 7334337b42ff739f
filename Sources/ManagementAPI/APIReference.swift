import Foundation

/// The rendered reference at `/pulp/api/v3/docs/`: every operation served, with its method,
/// path and parameters, from the same table as the OpenAPI document.
enum APIReference {
    static func html(_ operations: [APIOperation]) -> String {
        var rows = ""
        for operation in operations {
            let parameters = operation.query.map(\.name).joined(separator: ", ")
            rows += "<tr><td><code>\(operation.id)</code></td><td>\(operation.method.rawValue)</td><td><code>\(escape(operation.documentPath))</code></td>"
            rows += "<td>\(operation.responses.map(String.init).joined(separator: ", "))</td><td>\(parameters)</td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Wheelhouse management API</title></head>
            <body><h1>Wheelhouse management API</h1>
            <p>Pulp's v3 REST API for the python plugin. Machine-readable: <a href="api.json">api.json</a> (OpenAPI 3.1).
            Operations marked with a path parameter take the whole href of the object (such as
            <code>/pulp/api/v3/repositories/python/python/&lt;uuid&gt;/</code>).</p>
            <table><tr><th>operationId</th><th>Method</th><th>Path</th><th>Statuses</th><th>Query parameters</th></tr>
            \(rows)</table></body></html>

            """
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
