import Replication

/// The connection fields remotes and upstream Pulps share, as a body sets them: each nil when
/// absent, `.some(nil)` when cleared. Certificates and the client key are PEM text (as pulp-cli
/// sends a file it is given with `@`), checked here, or the path of a PEM file on the server.
struct ConnectionFields {
    var username: String??
    var password: String??
    var caCert: String??
    var clientCert: String??
    var clientKey: String??
    var tlsValidation: Bool?

    init(_ fields: RequestFields) throws(APIFailure) {
        username = try fields.nullableString("username")
        password = try fields.nullableString("password")
        caCert = try fields.nullableString("ca_cert")
        clientCert = try fields.nullableString("client_cert")
        clientKey = try fields.nullableString("client_key")
        tlsValidation = try fields.bool("tls_validation")
        for key in ["ca_cert", "client_cert", "client_key"] {
            guard let text = try fields.string(key), ConnectionSettings.isPEM(text) else { continue }
            if let problem = ConnectionSettings.checkPEM(text, key: key == "client_key") { throw .field(key, "Not valid PEM text: \(problem).") }
        }
    }

    /// Sets what was given on the settings at these key paths.
    func apply<Settings>(
        to settings: inout Settings, username: WritableKeyPath<Settings, String?>, password: WritableKeyPath<Settings, String?>,
        caCert: WritableKeyPath<Settings, String?>, clientCert: WritableKeyPath<Settings, String?>,
        clientKey: WritableKeyPath<Settings, String?>, tlsValidation: WritableKeyPath<Settings, Bool>
    ) {
        if let value = self.username { settings[keyPath: username] = value }
        if let value = self.password { settings[keyPath: password] = value }
        if let value = self.caCert { settings[keyPath: caCert] = value }
        if let value = self.clientCert { settings[keyPath: clientCert] = value }
        if let value = self.clientKey { settings[keyPath: clientKey] = value }
        if let value = self.tlsValidation { settings[keyPath: tlsValidation] = value }
    }
}
