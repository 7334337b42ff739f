import HTTPTypes
import Hummingbird
import NIOCore
import PythonPackaging

/// Responses as pulp-glue reads them: JSON with exactly `application/json` as its type (it
/// compares the string) and no cookies.
enum APIResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.renderedBytes)))
    }

    /// `202 {"task": href}`: pulp-cli then polls the task.
    static func task(_ href: String) -> Response { json(.object([("task", .string(href))]), status: .accepted) }

    static func noContent() -> Response { Response(status: .noContent) }
}
