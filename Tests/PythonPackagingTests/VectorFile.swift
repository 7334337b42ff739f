import Foundation
import Testing

/// The differential vectors generated from pypa/packaging by `Integration/differential/generate.py`.
enum VectorFile {
    static func load(_ name: String) throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    static func cases(_ name: String, key: String = "cases") throws -> [[String: Any]] {
        try #require(try load(name)[key] as? [[String: Any]])
    }
}

/// Collects disagreements so that one failing expectation lists the first few of thousands.
struct Mismatches {
    private(set) var lines: [String] = []
    private(set) var checked = 0

    mutating func check(_ agrees: Bool, _ describe: @autoclosure () -> String) {
        checked += 1
        if !agrees { lines.append(describe()) }
    }

    /// The parsed value of a vector case when packaging accepted its input and so did we; a
    /// disagreement about validity is recorded and gives nil.
    mutating func parsed<Value>(_ item: [String: Any], _ parse: (String) -> Value?) -> Value? {
        let input = item["input"] as! String
        let value = parse(input)
        guard item["valid"] as! Bool else {
            check(value == nil, "\(input.debugDescription) should be invalid, parsed as \(value.map { "\($0)" } ?? "")")
            return nil
        }
        check(value != nil, "\(input.debugDescription) should be valid")
        return value
    }

    /// Records a disagreement between packaging's fields and ours for one input.
    mutating func compare(_ item: [String: Any], expected: [String], actual: [String]) {
        check(expected == actual, "\((item["input"] as! String).debugDescription): expected \(expected), got \(actual)")
    }

    func expectNone(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(checked > 0, "no \(what) cases were checked", sourceLocation: sourceLocation)
        #expect(
            lines.isEmpty,
            "\(lines.count) of \(checked) \(what) cases disagree with packaging:\n\(lines.prefix(25).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}

/// JSON null arrives as NSNull.
func optionalString(_ value: Any?) -> String? { value as? String }
func optionalBool(_ value: Any?) -> Bool? { value as? Bool }
