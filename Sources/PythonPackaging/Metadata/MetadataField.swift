/// The core metadata fields (Metadata-Version 1.0 to 2.5), by the header name the spec gives
/// them, with `packaging`'s field names (which are also the Warehouse JSON API's `info` keys,
/// except where `warehouseKey` says otherwise).
public enum MetadataField: String, CaseIterable, Sendable, Hashable {
    case metadataVersion = "metadata-version"
    case name
    case version
    case dynamic
    case platform
    case supportedPlatform = "supported-platform"
    case summary
    case description
    case descriptionContentType = "description-content-type"
    case keywords
    case homePage = "home-page"
    case downloadURL = "download-url"
    case author
    case authorEmail = "author-email"
    case maintainer
    case maintainerEmail = "maintainer-email"
    case license
    case licenseExpression = "license-expression"
    case licenseFile = "license-file"
    case classifier
    case requiresDist = "requires-dist"
    case requiresPython = "requires-python"
    case requiresExternal = "requires-external"
    case projectURL = "project-url"
    case providesExtra = "provides-extra"
    case providesDist = "provides-dist"
    case obsoletesDist = "obsoletes-dist"
    case requires
    case provides
    case obsoletes
    case importName = "import-name"
    case importNamespace = "import-namespace"

    /// The header name as the spec spells it (`Requires-Dist`).
    public var headerName: String {
        switch self {
        case .downloadURL: "Download-URL"
        case .projectURL: "Project-URL"
        default: rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
        }
    }

    /// `packaging.metadata.RawMetadata`'s key for the field.
    public var rawKey: String {
        switch self {
        case .platform: "platforms"
        case .supportedPlatform: "supported_platforms"
        case .licenseFile: "license_files"
        case .classifier: "classifiers"
        case .projectURL: "project_urls"
        case .importName: "import_names"
        case .importNamespace: "import_namespaces"
        default: rawValue.replacing("-", with: "_")
        }
    }

    /// Whether the field may appear more than once.
    public var isMultipleUse: Bool {
        switch self {
        case .dynamic, .platform, .supportedPlatform, .licenseFile, .classifier, .requiresDist, .requiresExternal,
            .projectURL, .providesExtra, .providesDist, .obsoletesDist, .requires, .provides, .obsoletes, .importName,
            .importNamespace:
            true
        default:
            false
        }
    }

    /// The metadata version that introduced the field.
    public var addedIn: String {
        switch self {
        case .metadataVersion, .name, .version, .platform, .summary, .description, .keywords, .homePage, .author,
            .authorEmail, .license:
            "1.0"
        case .supportedPlatform, .downloadURL, .classifier, .requires, .provides, .obsoletes: "1.1"
        case .maintainer, .maintainerEmail, .requiresDist, .requiresPython, .requiresExternal, .projectURL,
            .providesDist, .obsoletesDist:
            "1.2"
        case .descriptionContentType, .providesExtra: "2.1"
        case .dynamic: "2.2"
        case .licenseExpression, .licenseFile: "2.4"
        case .importName, .importNamespace: "2.5"
        }
    }

    /// `allCases`, made once (the synthesized property builds a new array on every use).
    static let ordered = allCases

    /// The position of this field in `allCases`.
    var ordinal: Int { Self.ordered.firstIndex(of: self)! }

    /// The position in `allCases` of the field a header name (in any case) stands for.
    static func ordinal(ofHeader name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard name.count < namesByLength.count else { return nil }
        candidates: for (ordinal, candidate) in namesByLength[name.count] {
            for index in 0..<name.count where candidate[index] != PythonText.lowercasedASCII(name[index]) { continue candidates }
            return ordinal
        }
        return nil
    }

    /// Lowercase names with their ordinals, grouped by length.
    private static let namesByLength: [[(Int, [UInt8])]] = {
        var table = [[(Int, [UInt8])]](repeating: [], count: 32)
        for (ordinal, field) in allCases.enumerated() { table[field.rawValue.utf8.count].append((ordinal, Array(field.rawValue.utf8))) }
        return table
    }()

    /// Metadata versions in order, as `packaging` knows them.
    public static let knownVersions = ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
}
