import Foundation

/// A JSON value as a request body (or a stored document) had it, for reading; `JSONValue`
/// is the one for writing.
indirect enum JSONInput: Sendable, Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONInput]), object([String: JSONInput])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONInput].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONInput].self))
        }
    }

    /// Parses JSON text; nil when it is not JSON.
    static func parse(_ text: String) -> JSONInput? { try? JSONDecoder().decode(JSONInput.self, from: Data(text.utf8)) }

    var text: String? { if case .string(let text) = self { text } else { nil } }
}
