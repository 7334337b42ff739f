import PythonPackaging
import Testing

@Suite("Markers agree with packaging")
struct MarkerDifferentialTests {
    @Test("parsing, normalizing and evaluating in five environments")
    func markers() throws {
        let file = try VectorFile.load("markers")
        let environments = (file["environments"] as! [[String: String]]).map { MarkerEnvironment(values: $0) }
        var mismatches = Mismatches()
        for item in file["cases"] as! [[String: Any]] {
            let input = item["input"] as! String
            guard let marker = mismatches.parsed(item, { try? Marker(parsing: $0) }) else { continue }
            mismatches.check(marker.description == item["str"] as! String, "\(input.debugDescription): str \(marker) != \(item["str"]!)")
            for (environment, expected) in zip(environments, item["results"] as! [Any]) {
                let actual: String
                do {
                    actual = "\(try marker.evaluate(environment))"
                } catch {
                    actual = error.code == .undefinedComparison ? "UndefinedComparison" : "UndefinedEnvironmentName"
                }
                let expectedText = (expected as? String) ?? "\(expected as! Bool)"
                mismatches.check(actual == expectedText, "\(input.debugDescription) in \(environment.values["python_full_version"]!): expected \(expected), got \(actual)")
            }
        }
        mismatches.expectNone("marker")
    }
}

@Suite("Requirements agree with packaging")
struct RequirementDifferentialTests {
    @Test("parsing PEP 508 strings")
    func requirements() throws {
        var mismatches = Mismatches()
        for item in try VectorFile.cases("requirements") {
            guard let requirement = mismatches.parsed(item, { try? Requirement(parsing: $0) }) else { continue }
            let expected = [
                item["name"] as! String, (item["extras"] as! [String]).joined(separator: ","), item["specifier"] as! String,
                optionalString(item["url"]) ?? "-", optionalString(item["marker"]) ?? "-", item["str"] as! String,
            ]
            let actual = [
                requirement.name, requirement.extras.sorted().joined(separator: ","), requirement.specifier.description,
                requirement.url ?? "-", requirement.marker?.description ?? "-", requirement.description,
            ]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("requirement")
    }
}
