/// The core metadata of a distribution (METADATA in a wheel, PKG-INFO in an sdist), every
/// field of Metadata-Version 1.0 to 2.5, read as `packaging.metadata.parse_email` reads it.
///
/// Reading is lenient, as a mirror must be: whatever is there is kept and anything odd is
/// listed in `problems`. `validated(_:)` is the strict reading an upload needs.
public struct CoreMetadata: Sendable, Hashable {
    /// The values of each recognized field in file order, as written (folded lines kept).
    public let values: [MetadataField: [String]]
    /// The long description: the message body, or the `Description` header when there is no
    /// body.
    public let longDescription: String?
    /// Headers no metadata version defines, in file order.
    public let unknownFields: [UnknownField]
    /// What the lenient reading found odd (invalid UTF-8, repeated single-use fields, …).
    public let problems: [MetadataProblem]

    public struct UnknownField: Sendable, Hashable {
        public let name: String
        public let value: String
    }

    /// Values written programmatically (for metadata assembled from an upstream's JSON).
    public init(values: [MetadataField: [String]], longDescription: String? = nil) {
        self.values = values.filter { !$0.value.isEmpty }
        self.longDescription = longDescription
        self.unknownFields = []
        self.problems = []
    }

    /// The first value of a field, if present.
    public func string(_ field: MetadataField) -> String? { values[field]?.first }

    /// Every value of a field (empty if absent).
    public func list(_ field: MetadataField) -> [String] { values[field] ?? [] }

    public var metadataVersion: String? { string(.metadataVersion) }
    public var name: String? { string(.name) }
    public var version: String? { string(.version) }
    public var summary: String? { string(.summary) }
    public var requiresPython: String? { string(.requiresPython) }
    public var requiresDist: [String] { list(.requiresDist) }

    /// `Keywords` split on commas and trimmed, as `packaging` returns them.
    public var keywordList: [String]? {
        string(.keywords).map { PythonText.split($0, on: ",").map { String(PythonText.strip($0)) } }
    }

    /// `Project-URL` entries as (label, URL) pairs in file order.
    public var projectURLs: [(label: String, url: String)] {
        list(.projectURL).map { entry in
            let parts = PythonText.split(entry, on: ",", maxSplits: 1)
            let label = String(PythonText.strip(parts[0]))
            let url = parts.count > 1 ? String(PythonText.strip(parts[1])) : ""
            return (label, url)
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.values == rhs.values && lhs.longDescription == rhs.longDescription && lhs.unknownFields == rhs.unknownFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(values)
        hasher.combine(longDescription)
    }
}
