import ContentStore
import Foundation
import HTTPTypes
import Hummingbird
import IndexServer
import NIOCore
import PythonPackaging

/// The management API's handlers, the operations table that routes them and documents them,
/// and what every request goes through: sign-in, errors as Pulp words them, and the
/// `Correlation-ID` echoed.
struct ManagementRoutes: Sendable {
    let server: ServerContext
    let runner: TaskRunner
    let responses = ResponseCache()

    var store: ContentStore { server.store }

    static let correlationID = HTTPField.Name("Correlation-ID")!

    func register(on router: Router<IndexRequestContext>) {
        let operations = self.operations
        let document = ByteBuffer(bytes: OpenAPIDocument.render(operations).renderedBytes)
        router.get("pulp/api/v3/docs/api.json") { request, _ in
            Self.echoCorrelation(request, into: Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document)))
        }
        let reference = ByteBuffer(string: APIReference.html(operations))
        router.get("pulp/api/v3/docs") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: reference))
        }
        for operation in operations {
            router.on(RouterPath(operation.route), method: operation.method) { request, context in
                await dispatch(operation, request, context)
            }
        }
    }

    private func dispatch(_ operation: APIOperation, _ request: Request, _ context: IndexRequestContext) async -> Response {
        var response: Response
        do {
            var context = context
            if operation.secured { context.signedIn = try await signIn(request, context) }
            response = try await answer(operation, request, context)
        } catch {
            let failure = APIFailure(error)
            if failure.status.code >= 500 {
                context.logger.error("management request failed", metadata: ["operation": "\(operation.id)", "error": "\(error)"])
            }
            response = APIResponse.json(failure.body, status: failure.status)
            if failure.status == .unauthorized { response.headers[.wwwAuthenticate] = "Basic realm=\"wheelhouse\"" }
        }
        return Self.echoCorrelation(request, into: response)
    }

    /// A read is answered from `responses` while the store has not changed since it was
    /// rendered (for the same URL, origin and kind of account); anything else runs its handler.
    private func answer(_ operation: APIOperation, _ request: Request, _ context: IndexRequestContext) async throws -> Response {
        guard operation.method == .get, let signedIn = context.signedIn else { return try await operation.handler(request, context) }
        let generation = try await store.generation()
        let key = "\(signedIn.isStaff ? "staff" : "account") \(server.origin(request)) \(request.uri)"
        if let body = responses.lookup(key, generation: generation) { return APIResponse.json(body) }
        let rendered = RenderedBody()
        let response = try await APIResponse.$rendered.withValue(rendered) { try await operation.handler(request, context) }
        if response.status == .ok, let body = rendered.value { responses.store(key, body, generation: generation) }
        return response
    }

    /// pulp-glue adopts the first `Correlation-ID` it sees and refuses a different one later:
    /// the request's is sent back, and none is made up.
    private static func echoCorrelation(_ request: Request, into response: Response) -> Response {
        guard let id = request.headers[correlationID] else { return response }
        var response = response
        response.headers[correlationID] = id
        return response
    }

    /// Management needs an account; the upload token (`__token__`) may only upload.
    private func signIn(_ request: Request, _ context: IndexRequestContext) async throws -> SignedIn {
        let signedIn = try await server.authenticator.authenticate(request, from: context.clientAddress)
        guard !signedIn.uploadOnly else {
            throw APIFailure(.forbidden, detail: "The upload token can upload packages only; sign in with an account to manage the server.")
        }
        return signedIn
    }

    /// Accounts are managed by staff only (`admin`, and those made with `is_staff`).
    static func requireStaff(_ context: IndexRequestContext) throws(APIFailure) {
        guard context.signedIn?.isStaff == true else {
            throw APIFailure(.forbidden, detail: "You do not have permission to perform this action: only staff accounts manage users.")
        }
    }

    func presenter(_ request: Request) -> Presenter { Presenter(store: store, origin: server.origin(request)) }

    /// The `{uuid}` of the object a path names; a malformed one names nothing (404).
    static func uuid(_ context: IndexRequestContext, _ kind: String) throws(APIFailure) -> String {
        guard let uuid = context.parameters.get("uuid"), Href.isUUID(uuid) else { throw APIFailure(.notFound, detail: "No \(kind) matches the given query.") }
        return uuid
    }

    /// The query string's parameters, decoded, in order.
    static func parameters(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    /// The UUID of an object of `kind` that a body field names by href or PRN; nil when the
    /// field is absent or null.
    static func reference(_ fields: RequestFields, _ key: String, _ kind: Href.Kind) throws(APIFailure) -> String? {
        guard let text = try fields.string(key) else { return nil }
        guard let uuid = Href.uuid(text, of: kind) else { throw .field(key, "Invalid hyperlink - No URL match.") }
        return uuid
    }

    /// Refuses fields that Pulp has but Wheelhouse does not honour, when set.
    static func refuseUnsupported(_ fields: RequestFields, _ keys: [String]) throws(APIFailure) {
        for key in keys where fields.has(key) {
            if case .some(nil) = try? fields.nullableString(key) { continue }
            if (try? fields.bool(key)) == false { continue }
            throw .field(key, "Wheelhouse does not support '\(key)'; leave it unset.")
        }
    }

    /// Runs `work` as a task before answering, and answers `202 {"task": href}`.
    func quickTask(_ name: String, _ resources: Set<String>, _ work: @escaping @Sendable () async throws -> TaskResult) async throws -> Response {
        let task = try await runner.runNow(name: name, resources: resources, work: work)
        return APIResponse.task(Href.of(.task, task.uuid))
    }

    /// Queues `work` as a task and answers `202 {"task": href}`.
    func queuedTask(_ name: String, _ resources: Set<String>, _ work: @escaping @Sendable () async throws -> TaskResult) async throws -> Response {
        let task = try await runner.submit(name: name, resources: resources, work: work)
        return APIResponse.task(Href.of(.task, task.uuid))
    }
}
