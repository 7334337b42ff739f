import PythonPackaging

/// IMF-fixdate (`Thu, 26 Nov 2026 07:13:44 GMT`) for `Last-Modified`.
enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The time as an HTTP date; a time outside `Timestamp.range` (stored before it was
    /// checked) is written as the nearest end of it.
    static func format(_ time: Timestamp) -> String {
        let clamped = min(max(time, Timestamp.range.lowerBound), Timestamp.range.upperBound)
        let parts = clamped.civil
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(parts.year)
        return "\(weekdays[Int(parts.weekday)]), \(two(parts.day)) \(months[Int(parts.month) - 1]) "
            + "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
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
