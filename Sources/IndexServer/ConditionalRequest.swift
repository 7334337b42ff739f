import HTTPTypes
import Hummingbird

extension Request {
    /// Whether `If-None-Match` names `etag` or `*`, so that the client's copy is current and a
    /// 304 answers. Entity tags compare weakly there (RFC 9110, 13.1.2): `W/"x"` matches `"x"`.
    func hasCurrentCopy(etag: String) -> Bool {
        guard let header = headers[.ifNoneMatch] else { return false }
        let wanted = Self.opaqueTag(etag)
        return header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingSpaces()
            return tag == "*" || Self.opaqueTag(tag) == wanted
        }
    }

    private static func opaqueTag(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}

extension HTTPField.Name {
    /// The serial of the last change to what a response shows (PyPI's header).
    static let lastSerial = HTTPField.Name("X-PyPI-Last-Serial")!
    /// The scheme a reverse proxy received the request with.
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
