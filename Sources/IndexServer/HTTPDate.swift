import ContentStore

/// IMF-fixdate (`Thu, 26 Nov 2026 07:13:44 GMT`) for `Last-Modified`.
enum HTTPDate {
    static func format(_ time: Timestamp) -> String {
        let iso = time.iso8601
        let seconds = time.microseconds >= 0 ? time.microseconds / 1_000_000 : (time.microseconds - 999_999) / 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((days % 7) + 7) % 7)]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let characters = Array(iso)
        let year = String(characters[0..<4])
        let month = months[Int(String(characters[5..<7]))! - 1]
        let day = String(characters[8..<10])
        let clock = String(characters[11..<19])
        return "\(weekday), \(day) \(month) \(year) \(clock) GMT"
    }
}

/// A single byte range from a `Range` header (RFC 9110): `bytes=a-b`, `bytes=a-`, `bytes=-n`.
enum ByteRange {
    enum Outcome: Equatable {
        /// Serve the whole file (no header, several ranges, or a header that is not `bytes=`).
        case whole
        case partial(ClosedRange<Int64>)
        case unsatisfiable
    }

    static func resolve(_ header: String?, size: Int64) -> Outcome {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst(6).trimmingSpaces()
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int64(last), suffix > 0 else { return .whole }
            guard size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        }
        guard let start = Int64(first), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .partial(start...(size - 1)) }
        guard let end = Int64(last), end >= start else { return .whole }
        return .partial(start...min(end, size - 1))
    }
}
