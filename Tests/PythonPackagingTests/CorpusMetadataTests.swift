import Foundation
import PackageArchives
import PythonPackaging
import Testing
import TestSupport

@Suite("Every corpus file reads as packaging reads it")
struct CorpusMetadataTests {
    @Test("name, version and every metadata field")
    func corpus() throws {
        let cases = try VectorFile.cases("corpus_metadata")
        #expect(cases.count == 70)
        var mismatches = Mismatches()
        for item in cases {
            let filename = item["filename"] as! String
            let data = try Corpus.data(filename)
            let inspected = try data.withUnsafeBytes { try DistributionArchive.inspect(filename: filename, bytes: $0, strict: false) }
            let metadata = inspected.metadata
            mismatches.check(inspected.filename.name.normalized == item["name"] as! String, "\(filename): name")
            mismatches.check(inspected.filename.version?.description == item["version"] as? String, "\(filename): version")
            let raw = item["raw"] as! [String: Any]
            for field in MetadataField.allCases {
                let expected = raw[field.rawKey]
                let actual: Any?
                switch field {
                case .keywords: actual = metadata.keywordList
                case .projectURL:
                    let pairs = metadata.projectURLs
                    actual = pairs.isEmpty ? nil : Dictionary(pairs.map { ($0.label, $0.url) }, uniquingKeysWith: { a, _ in a })
                case .description: actual = metadata.longDescription
                default: actual = field.isMultipleUse ? (metadata.values[field].map { $0 as Any }) : metadata.string(field)
                }
                let same: Bool
                switch (expected, actual) {
                case (nil, nil): same = true
                case (let e as String, let a as String): same = e == a
                case (let e as [String], let a as [String]): same = e == a
                case (let e as [String: String], let a as [String: String]): same = e == a
                default: same = false
                }
                mismatches.check(same, "\(filename): \(field.rawKey): packaging has \(String(describing: expected).prefix(120)), we have \(String(describing: actual).prefix(120))")
            }
            let unparsed = item["unparsed"] as! [String]
            mismatches.check(unparsed.isEmpty == metadata.problems.isEmpty, "\(filename): packaging leaves \(unparsed) unparsed; we report \(metadata.problems)")
        }
        mismatches.expectNone("corpus field")
    }
}
