/// The connection fields remotes and upstream Pulps share, as a body sets them: each nil when
/// absent, `.some(nil)` when cleared. Certificates are paths of PEM files on the server.
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
        for key in ["ca_cert", "client_cert", "client_key"] where (try fields.string(key))?.hasPrefix("-----BEGIN") == true {
            throw .field(key, "Give the path of a PEM file on the server; PEM text in the request is not accepted yet.")
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
