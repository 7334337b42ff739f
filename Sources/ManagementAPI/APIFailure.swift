import ContentStore
import HTTPTypes
import IndexServer
import PythonPackaging
import Replication

/// An error answered as Pulp answers: JSON, with `{"detail": …}` or, for a request that names
/// fields wrongly, `{"field": ["message", …]}` (Django REST framework's shapes, which pulp-cli
/// prints as they are).
struct APIFailure: Error {
    let status: HTTPResponse.Status
    let body: JSONValue

    init(_ status: HTTPResponse.Status, detail: String) {
        self.status = status
        body = .object([("detail", .string(detail))])
    }

    /// A 400 naming the fields that are wrong and why.
    init(fields: [(String, String)]) {
        status = .badRequest
        body = .object(fields.map { ($0.0, .array([.string($0.1)])) })
    }

    static func field(_ name: String, _ message: String) -> APIFailure { APIFailure(fields: [(name, message)]) }

    static let internalDetail = "Internal error; the server's log has the details."

    /// The API's form of an error raised below it.
    init(_ error: any Error) {
        switch error {
        case let failure as APIFailure:
            self = failure
        case let failure as HTTPFailure:
            self.init(failure.status, detail: failure.message)
        case let failure as SignInFailure:
            switch failure {
            case .missing: self.init(.unauthorized, detail: "Authentication credentials were not provided.")
            case .wrong: self.init(.unauthorized, detail: "Invalid username/password.")
            case .throttled(_, let seconds): self.init(.tooManyRequests, detail: "Too many failed sign-ins; try again in \(seconds) seconds.")
            }
        case let error as ReplicationError:
            self.init(.badRequest, detail: "\(error)")
        case let error as StoreError:
            switch error.code {
            case .notFound: self.init(.notFound, detail: error.message)
            case .conflict, .invalid, .digestMismatch: self.init(.badRequest, detail: error.message)
            case .tooLarge: self.init(.contentTooLarge, detail: error.message)
            case .busy: self.init(.serviceUnavailable, detail: error.message)
            default: self.init(.internalServerError, detail: Self.internalDetail)
            }
        default:
            self.init(.internalServerError, detail: Self.internalDetail)
        }
    }
}
