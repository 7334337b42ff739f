import Foundation
import Hummingbird
import NIOCore

/// The fields of a request body, JSON or form-encoded (pulp-glue sends a form when the
/// operation declares no JSON body; lists and objects are then JSON text), read into typed
/// values. A field of the wrong type is a 400 naming it, in Django REST framework's words.
struct RequestFields: Sendable {
    /// The largest body read: management requests are small.
    static let maximumBytes = 1 << 20

    private let values: [String: JSONInput]
    /// Form values are all text: lists and objects arrive as JSON text, booleans as `true`/`false`.
    private let form: Bool

    init(values: [String: JSONInput], form: Bool) {
        self.values = values
        self.form = form
    }

    /// Reads the body by its content type; an empty body has no fields.
    static func read(_ request: Request) async throws -> RequestFields {
        let buffer = try await request.body.collect(upTo: maximumBytes)
        let bytes = Array(buffer.readableBytesView)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return RequestFields(values: form(String(decoding: bytes, as: UTF8.self)).mapValues(JSONInput.string), form: true)
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return RequestFields(values: [:], form: false) }
        guard let value = try? JSONDecoder().decode(JSONInput.self, from: Data(bytes)), case .object(let object) = value else {
            throw APIFailure.field("non_field_errors", "Invalid data. Expected a dictionary, but got something else; send a JSON object.")
        }
        return RequestFields(values: object, form: false)
    }

    /// `a=1&b=2`, percent- and plus-decoded; the last of a repeated name wins.
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    /// The keys sent that are not among `known`.
    func unknown(besides known: Set<String>) -> [String] { values.keys.filter { !known.contains($0) }.sorted() }

    /// A text field: nil when absent or null.
    func string(_ key: String) throws(APIFailure) -> String? {
        switch values[key] {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw .field(key, "Not a valid string.")
        }
    }

    func requiredString(_ key: String) throws(APIFailure) -> String {
        guard let text = try string(key) else { throw .field(key, "This field is required.") }
        guard !text.isEmpty else { throw .field(key, "This field may not be blank.") }
        return text
    }

    /// A text field that may be set to null: nil when absent, `.some(nil)` when null.
    func nullableString(_ key: String) throws(APIFailure) -> String?? {
        guard let value = values[key] else { return nil }
        if case .null = value { return .some(nil) }
        if form, case .string(let text) = value, text.isEmpty || text == "null" { return .some(nil) }
        return .some(try string(key))
    }

    func bool(_ key: String) throws(APIFailure) -> Bool? {
        switch values[key] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        case .string(let text) where ["true", "True", "1"].contains(text): return true
        case .string(let text) where ["false", "False", "0"].contains(text): return false
        default: throw .field(key, "Must be a valid boolean.")
        }
    }

    func integer(_ key: String) throws(APIFailure) -> Int64? {
        switch values[key] {
        case nil, .null: return nil
        case .integer(let number): return number
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: return Int64(number)
        case .string(let text): if let number = Int64(text) { return number }
        default: break
        }
        throw .field(key, "A valid integer is required.")
    }

    /// A list of strings (form bodies: its JSON text).
    func strings(_ key: String) throws(APIFailure) -> [String]? {
        guard let value = try structured(key) else { return nil }
        guard case .array(let items) = value else { throw .field(key, "Expected a list of items.") }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw .field(key, "Not a valid string.") }
            strings.append(text)
        }
        return strings
    }

    /// `pulp_labels`: an object of strings.
    func labels(_ key: String = "pulp_labels") throws(APIFailure) -> [String: String]? {
        guard let value = try structured(key) else { return nil }
        guard case .object(let members) = value else { throw .field(key, "Expected a dictionary of items.") }
        var labels: [String: String] = [:]
        for (name, item) in members {
            guard case .string(let text) = item else { throw .field(key, "Label values must be strings.") }
            guard Self.isLabelKey(name) else {
                throw .field(key, "Key '\(name)' contains non-alphanumerics; use letters, digits, '_', '-', '.', '/' and ' '.")
            }
            labels[name] = text
        }
        return labels
    }

    /// Pulp's rule for label keys.
    static func isLabelKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./ ".unicodeScalars.contains($0) }
    }

    private func structured(_ key: String) throws(APIFailure) -> JSONInput? {
        switch values[key] {
        case nil, .null: return nil
        case .string(let text) where form:
            guard let value = JSONInput.parse(text) else { throw .field(key, "Value must be valid JSON.") }
            return value
        case let value?: return value
        }
    }
}
