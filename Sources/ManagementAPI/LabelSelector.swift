import Foundation

/// Pulp's `pulp_label_select`: comma-separated terms that must all hold, each `key=value`,
/// `key!=value`, `key~text` (the value contains the text), `key` (the label is set) or
/// `!key` (it is not).
struct LabelSelector: Sendable, Hashable {
    enum Term: Sendable, Hashable {
        case equals(String, String)
        case differs(String, String)
        case contains(String, String)
        case present(String)
        case absent(String)
    }

    let terms: [Term]

    init(_ text: String) throws(APIFailure) {
        var terms: [Term] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let term = raw.trimmingCharacters(in: .whitespaces)
            if let range = term.range(of: "!=") {
                terms.append(.differs(try Self.key(term[..<range.lowerBound]), String(term[range.upperBound...])))
            } else if let index = term.firstIndex(of: "=") {
                terms.append(.equals(try Self.key(term[..<index]), String(term[term.index(after: index)...])))
            } else if let index = term.firstIndex(of: "~") {
                terms.append(.contains(try Self.key(term[..<index]), String(term[term.index(after: index)...])))
            } else if term.hasPrefix("!") {
                terms.append(.absent(try Self.key(term.dropFirst())))
            } else {
                terms.append(.present(try Self.key(term[...])))
            }
        }
        self.terms = terms
    }

    private static func key(_ text: Substring) throws(APIFailure) -> String {
        let key = text.trimmingCharacters(in: .whitespaces)
        guard RequestFields.isLabelKey(key) else {
            throw .field("pulp_label_select", "Invalid label key '\(key)'; use key=value, key!=value, key~text, key or !key, separated by commas.")
        }
        return key
    }

    func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .equals(let key, let value): labels[key] == value
            case .differs(let key, let value): labels[key] != nil && labels[key] != value
            case .contains(let key, let text): labels[key]?.contains(text) ?? false
            case .present(let key): labels[key] != nil
            case .absent(let key): labels[key] == nil
            }
        }
    }
}
