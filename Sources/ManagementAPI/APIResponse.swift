import HTTPTypes
import Hummingbird
import NIOCore
import PythonPackaging

/// Responses as pulp-glue reads them: JSON with exactly `application/json` as its type (it
/// compares the string) and no cookies.
enum APIResponse {
    /// Set while a read is answered: the body of a 200 is left there for `ResponseCache`.
    @TaskLocal static var rendered: RenderedBody?

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let body = ByteBuffer(bytes: value.renderedBytes)
        if status == .ok { rendered?.keep(body) }
        return json(body, status: status)
    }

    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: body))
    }

    /// `202 {"task": href}`: pulp-cli then polls the task.
    static func task(_ href: String) -> Response { json(.object([("task", .string(href))]), status: .accepted) }

    static func noContent() -> Response { Response(status: .noContent) }
}
