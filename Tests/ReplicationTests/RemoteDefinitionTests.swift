import Foundation
import Replication
import Testing

@Suite("Stored remotes")
struct RemoteDefinitionTests {
    @Test("a remote round-trips through its stored form, with pulp_python's field names")
    func roundTrip() throws {
        var remote = RemoteDefinition(url: "https://pypi.org/")
        remote.includes = ["django~=4.2,!=4.2.1"]
        remote.excludePlatforms = ["windows"]
        remote.keepLatestPackages = 2
        remote.policy = "on_demand"
        remote.password = "secret"
        remote.syncIntervalSeconds = 3600
        let stored = remote.encoded()
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])
        #expect(fields["keep_latest_packages"] as? Int == 2 && fields["exclude_platforms"] as? [String] == ["windows"])
        #expect(fields["tls_validation"] as? Bool == true && fields["sync_interval_seconds"] as? Int == 3600)
        #expect(try RemoteDefinition.decoded(stored) == remote)
        // Fields left out take their defaults.
        let sparse = try RemoteDefinition.decoded(#"{"url": "http://h/pypi/x/", "includes": ["six"]}"#)
        #expect(sparse.policy == "immediate" && sparse.mirror && sparse.prereleases && sparse.includes == ["six"])
        let request = try sparse.syncRequest()
        #expect(request.upstream.simpleRoot == "http://h/pypi/x/simple/" && request.filter.projectScope.included == ["six"])
    }

    @Test("settings that cannot work are refused with what to write instead", arguments: [
        ("exclude_platforms", #"["beos"]"#, "unknown platform"), ("package_types", #"["wheel"]"#, "unknown package type"),
        ("policy", #""lazy""#, "unknown policy"), ("includes", #"["six>>1"]"#, "not a PEP 508 requirement"),
        ("target_pythons", #"["3.11"]"#, "--with-dependencies"), ("url", #""ftp://h/""#, "http or https"),
        ("download_concurrency", "9223372036854775807", "1 to 256"), ("download_concurrency", "0", "1 to 256"),
        ("total_timeout", "9223372036854775807", "1 to 86400"), ("total_timeout", "-5", "1 to 86400"), ("max_retries", "-1", "0 to 100"),
    ])
    func refusals(field: String, value: String, message: String) throws {
        let text = field == "url" ? "{\"url\": \(value)}" : "{\"url\": \"http://h/\", \"\(field)\": \(value)}"
        let remote = try RemoteDefinition.decoded(text)
        #expect {
            try remote.check()
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("a remote stored before the ranges were checked keeps syncing, its numbers brought into range")
    func storedOutOfRange() throws {
        let remote = try RemoteDefinition.decoded(#"{"url": "http://h/", "download_concurrency": 100000, "total_timeout": 0, "max_retries": -3}"#)
        let connection = try remote.syncRequest().connection
        #expect(connection.downloadConcurrency == 256 && connection.timeoutSeconds == 1 && connection.maxRetries == 0)
    }
}
