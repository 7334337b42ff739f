import ContentStore
import Hummingbird
import IndexServer
import PythonPackaging

/// `users/`: the accounts, as Pulp's users (pulp-cli's `pulp user …`). Staff only.
extension ManagementRoutes {
    static let userFilters = ["username", "username__contains", "username__in", "is_staff", "is_active"]

    func listUsers(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        try Self.requireStaff(context)
        var accounts = try await store.accounts()
        for (name, value) in Self.parameters(request) {
            switch name {
            case "username": accounts = accounts.filter { $0.username == value }
            case "username__contains": accounts = accounts.filter { $0.username.lowercased().contains(value.lowercased()) }
            case "username__in": accounts = accounts.filter { value.split(separator: ",").map(String.init).contains($0.username) }
            case "is_staff", "is_active":
                guard let flag = ["true": true, "false": false][value.lowercased()] else { throw APIFailure.field(name, "Enter a valid boolean.") }
                accounts = accounts.filter { (name == "is_staff" ? $0.profile.isStaff : $0.profile.isActive) == flag }
            default: break
            }
        }
        let page = try Page(request)
        let selected = accounts.dropFirst(page.offset).prefix(page.limit)
        return APIResponse.json(page.render(count: accounts.count, results: selected.map(Presenter.user), request: request))
    }

    func readUser(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        try Self.requireStaff(context)
        return APIResponse.json(FieldSelection(request).apply(Presenter.user(try await user(context))))
    }

    func createUser(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        try Self.requireStaff(context)
        let fields = try await RequestFields.read(request)
        let username = try fields.requiredString("username")
        let password = try Self.password(fields) ?? nil
        do {
            let account = try await store.createAccount(username: username, password: password, profile: try Self.profile(fields, AccountProfile()))
            return APIResponse.json(Presenter.user(account), status: .created)
        } catch let error as StoreError where error.code == .conflict {
            throw APIFailure.field("username", "A user with that username already exists.")
        } catch let error as StoreError where error.code == .invalid {
            throw APIFailure.field("username", error.message)
        }
    }

    func updateUser(_ request: Request, _ context: IndexRequestContext) async throws -> Response {
        try Self.requireStaff(context)
        let account = try await user(context)
        let fields = try await RequestFields.read(request)
        let newName = fields.has("username") ? try fields.requiredString("username") : nil
        if let password = try Self.password(fields) {
            try await store.setPassword(username: account.username, password: password ?? ContentStore.newPassword())
        }
        let updated = try await store.updateAccount(username: account.username, renamedTo: newName, profile: try Self.profile(fields, account.profile))
        return APIResponse.json(Presenter.user(updated))
    }

    func deleteUser(_ context: IndexRequestContext) async throws -> Response {
        try Self.requireStaff(context)
        try await store.deleteAccount(username: try await user(context).username)
        return APIResponse.noContent()
    }

    /// The account a path names by its ID.
    private func user(_ context: IndexRequestContext) async throws -> Account {
        guard let text = context.parameters.get("uuid"), let id = Int64(text), id > 0, let account = try? await store.account(id: id) else {
            throw APIFailure(.notFound, detail: "No User matches the given query.")
        }
        return account
    }

    /// A new password: nil when not sent, `.some(nil)` for null or empty (no password sign-in,
    /// as in Pulp); at least 8 characters otherwise.
    private static func password(_ fields: RequestFields) throws(APIFailure) -> String?? {
        guard let given = try fields.nullableString("password") else { return nil }
        guard let password = given, !password.isEmpty else { return .some(nil) }
        guard password.count >= 8 else { throw .field("password", "This password is too short. It must contain at least 8 characters.") }
        return .some(password)
    }

    private static func profile(_ fields: RequestFields, _ current: AccountProfile) throws(APIFailure) -> AccountProfile {
        var profile = current
        if let value = try fields.string("first_name") { profile.firstName = value }
        if let value = try fields.string("last_name") { profile.lastName = value }
        if let value = try fields.string("email") {
            guard value.isEmpty || (value.contains("@") && !value.contains(" ")) else { throw .field("email", "Enter a valid email address.") }
            profile.email = value
        }
        if let value = try fields.bool("is_staff") { profile.isStaff = value }
        if let value = try fields.bool("is_active") { profile.isActive = value }
        return profile
    }
}
