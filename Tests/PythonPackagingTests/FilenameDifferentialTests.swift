import PythonPackaging
import Testing

@Suite("Names and filenames agree with packaging")
struct FilenameDifferentialTests {
    @Test("name validation and normalization")
    func names() throws {
        var mismatches = Mismatches()
        for item in try VectorFile.cases("names") {
            let input = item["input"] as! String
            let expected = [item["normalized"] as! String, "\(item["valid"] as! Bool)", "\(item["is_normalized"] as! Bool)"]
            let actual = [ProjectName.normalize(input), "\(ProjectName.isValid(input))", "\(ProjectName.isNormalized(input))"]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("name")
    }

    @Test("wheel filenames and their tags")
    func wheels() throws {
        var mismatches = Mismatches()
        for item in try VectorFile.cases("wheel_filenames") {
            guard let wheel = mismatches.parsed(item, { try? WheelFilename(parsing: $0) }) else { continue }
            let build = (item["build"] as? [String]).map { $0.joined(separator: "|") } ?? "-"
            let expected = [item["name"] as! String, item["version"] as! String, build, (item["tags"] as! [String]).joined(separator: " ")]
            let actual = [
                wheel.name.normalized, wheel.version.description, wheel.build.map { "\($0.number)|\($0.rest)" } ?? "-",
                wheel.tags.sorted().map(\.description).joined(separator: " "),
            ]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("wheel filename")
    }

    @Test("sdist filenames (.tar.gz and .zip with a PEP 440 version)")
    func sdists() throws {
        var mismatches = Mismatches()
        for item in try VectorFile.cases("sdist_filenames") {
            // packaging's parse_sdist_filename: .tar.gz or .zip, and a PEP 440 version.
            let parse = { (text: String) in (try? SdistFilename(parsing: text)).flatMap { $0.isCurrentFormat && $0.version != nil ? $0 : nil } }
            guard let strict = mismatches.parsed(item, parse) else { continue }
            let expected = [item["name"] as! String, item["version"] as! String]
            let actual = [strict.name.normalized, strict.version!.description]
            mismatches.compare(item, expected: expected, actual: actual)
        }
        mismatches.expectNone("sdist filename")
    }
}
