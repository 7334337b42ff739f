import Foundation

/// The changes journal another Wheelhouse publishes (`X-Wheelhouse-Changes` on its index
/// root): which projects changed after a serial.
private struct ChangesDocument: Decodable {
    struct Change: Decodable {
        var serial: Int64
        var project: String
    }
    var lastSerial: Int64
    var complete: Bool
    var changes: [Change]

    enum CodingKeys: String, CodingKey {
        case lastSerial = "last_serial"
        case complete, changes
    }
}

extension Synchronizer {
    /// The projects changed upstream after `since`, each with its newest serial, as a listing
    /// of just those; nil when the journal cannot be used (unreachable, not understood, cut
    /// short, or behind `since`), and the sync reads the full listing instead.
    func readChanges(_ url: String, since: Int64, client: any UpstreamConnection) async -> UpstreamRoot? {
        let separator = url.contains("?") ? "&" : "?"
        guard let response = try? await client.page("\(url)\(separator)since=\(since)", accept: "application/json", etag: nil, limit: UpstreamClient.pageLimit),
            response.status == 200,
            let document = try? JSONDecoder().decode(ChangesDocument.self, from: Data(response.body)), document.complete,
            document.lastSerial >= since
        else {
            logger.info("the upstream's changes journal cannot be used; reading its listing", metadata: ["journal": "\(url)"])
            return nil
        }
        var newest: [String: Int64] = [:]
        for change in document.changes { newest[change.project] = max(newest[change.project] ?? 0, change.serial) }
        return UpstreamRoot(
            projects: newest.sorted { $0.key < $1.key }.map { UpstreamProjectEntry(name: $0.key, serial: $0.value) }, serial: document.lastSerial)
    }
}
