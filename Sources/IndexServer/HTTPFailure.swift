import ContentStore
package import HTTPTypes
package import Hummingbird
import NIOHTTP1
import PackageArchives
import PythonPackaging

/// An error answered as plain text with a message that says what to do. Domain errors
/// (`StoreError`, `ArchiveError`, `PackagingError`) are mapped to statuses here, at the edge.
/// What a client should not see (paths, SQL, upstream URLs) goes to the log as `detail`.
package struct HTTPFailure: HTTPResponseError {
    package let status: HTTPResponse.Status
    package let message: String
    var headers: HTTPFields = [:]
    /// Logged with the request, never sent.
    var detail: String?

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:], detail: String? = nil) {
        self.status = status
        self.message = message
        self.headers = headers
        self.detail = detail
    }

    private static let internalMessage = "Internal error; the server's log has the details."

    /// The HTTP form of an error raised below the server.
    init(_ error: any Error) {
        switch error {
        case let failure as HTTPFailure:
            self = failure
        case let error as StoreError:
            switch error.code {
            case .notFound: self.init(.notFound, error.message)
            case .conflict: self.init(.conflict, error.message)
            case .tooLarge: self.init(.contentTooLarge, error.message)
            case .invalid, .digestMismatch: self.init(.badRequest, error.message)
            case .busy: self.init(.serviceUnavailable, error.message, headers: [.retryAfter: "1"])
            default: self.init(.internalServerError, Self.internalMessage, detail: error.message)
            }
        case let error as ArchiveError:
            self.init(error.code == .tooLarge ? .contentTooLarge : .badRequest, "The distribution was refused: \(error.message)")
        case let error as PackagingError:
            self.init(.badRequest, error.message)
        case HTTPParserError.invalidEOFState:
            self.init(.badRequest, "The request ended before its body was complete (the connection dropped); send it again.")
        case let error as HTTPParserError:
            self.init(.badRequest, "The request is not valid HTTP/1.1: \(error.debugDescription).")
        default:
            self.init(.internalServerError, Self.internalMessage, detail: "\(error)")
        }
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        if let detail {
            context.logger.error(
                "request failed", metadata: ["status": "\(status.code)", "path": "\(request.uri.path)", "detail": "\(detail)"])
        }
        var headers = self.headers
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let reason = reasonPhrase, let name = HTTPField.Name(ResponseHeadHandler.reasonHeader) {
            headers[name] = reason
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// A client error's reason phrase: the first line of its message, printable ASCII only.
    private var reasonPhrase: String? {
        guard (400..<500).contains(status.code) else { return nil }
        let firstLine = message.prefix { $0 != "\n" && $0 != "\r" }
        let printable = String(String.UnicodeScalarView(firstLine.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(300)))
        return printable.isEmpty ? nil : printable
    }
}
