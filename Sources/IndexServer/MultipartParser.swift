/// A streaming parser of `multipart/form-data` bodies (RFC 7578): fed the body in pieces, it
/// reports each part's headers, its data in pieces, and its end, holding back only enough
/// bytes to recognize a boundary split across pieces.
package struct MultipartParser {
    enum Event: Equatable {
        case partStart(name: String, filename: String?)
        case data(ArraySlice<UInt8>)
        case partEnd
    }

    enum Failure: Error, Equatable {
        case malformed(String)
    }

    private enum State {
        case preamble, headers, body, epilogue
    }

    private let delimiter: [UInt8]
    private var buffer: [UInt8] = []
    private var state = State.preamble
    private let maximumHeaderSize = 16 * 1024
    /// How many bytes of the headers being read were already searched for their end, so that
    /// headers arriving a byte at a time are searched once, not once per byte.
    private var headerBytesSearched = 0

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Whether the closing boundary has been seen.
    var isComplete: Bool { state == .epilogue }

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header value.
    package static func boundary(fromContentType value: String) -> String? {
        let parts = value.split(separator: ";").map { $0.trimmingSpaces() }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var boundary = String(part.dropFirst(9))
            if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
            return boundary.isEmpty || boundary.utf8.count > 70 ? nil : boundary
        }
        return nil
    }

    mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        var cursor = 0
        loop: while true {
            switch state {
            case .preamble:
                // The first boundary may open the body directly (without the leading CRLF).
                let opening = Array(delimiter.dropFirst(2))
                guard let found = Self.find(opening, in: buffer, from: cursor) else {
                    cursor = max(cursor, buffer.count - opening.count)
                    break loop
                }
                guard found == 0 || (found >= 2 && buffer[found - 2] == 0x0D && buffer[found - 1] == 0x0A) else {
                    cursor = found + 1
                    continue
                }
                cursor = found + opening.count
                state = .headers
            case .headers:
                guard buffer.count - cursor >= 2 else { break loop }
                if buffer[cursor] == UInt8(ascii: "-"), buffer[cursor + 1] == UInt8(ascii: "-") {
                    state = .epilogue
                    continue
                }
                guard buffer[cursor] == 0x0D, buffer[cursor + 1] == 0x0A else { throw .malformed("a boundary is not followed by a line break") }
                guard let end = Self.find(Array("\r\n\r\n".utf8), in: buffer, from: cursor + max(0, headerBytesSearched - 3)) else {
                    guard buffer.count - cursor <= maximumHeaderSize else { throw .malformed("a part's headers are too long") }
                    // The headers start at `cursor`, which becomes 0 once the buffer drops what is before it.
                    headerBytesSearched = buffer.count - cursor
                    break loop
                }
                headerBytesSearched = 0
                let text = end > cursor ? String(decoding: buffer[(cursor + 2)..<end], as: UTF8.self) : ""
                let (name, filename) = try Self.disposition(of: text)
                events.append(.partStart(name: name, filename: filename))
                cursor = end + 4
                state = .body
            case .body:
                if let found = Self.find(delimiter, in: buffer, from: cursor) {
                    if found > cursor { events.append(.data(buffer[cursor..<found])) }
                    events.append(.partEnd)
                    cursor = found + delimiter.count
                    state = .headers
                } else {
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > cursor {
                        events.append(.data(buffer[cursor..<safe]))
                        cursor = safe
                    }
                    break loop
                }
            case .epilogue:
                cursor = buffer.count
                break loop
            }
        }
        buffer.removeFirst(cursor)
        return events
    }

    /// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
    private static func disposition(of headers: String) throws(Failure) -> (String, String?) {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "content-disposition" else { continue }
            var name: String?
            var filename: String?
            for parameter in pair[1].split(separator: ";").dropFirst() {
                let keyValue = parameter.split(separator: "=", maxSplits: 1)
                guard keyValue.count == 2 else { continue }
                var value = keyValue[1].trimmingSpaces()
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                switch keyValue[0].trimmingSpaces().lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            guard let name else { throw .malformed("a part has no name") }
            return (name, filename)
        }
        throw .malformed("a part has no Content-Disposition header")
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pattern in
                var index = start
                let last = hay.count - pattern.count
                while index <= last {
                    if hay[index] == first {
                        var offset = 1
                        while offset < pattern.count, hay[index + offset] == pattern[offset] { offset += 1 }
                        if offset == pattern.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }
}
