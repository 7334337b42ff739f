/// A source distribution filename: `{name}-{version}{extension}`.
///
/// `.tar.gz` and `.zip` are today's formats (PEP 625 names them `{normalized}-{version}`);
/// `.tar.bz2`, `.tgz`, `.tar.xz`, `.tar.Z` and `.tar` still exist on real indexes and are
/// accepted. The version is split at the last dash, as `packaging` does; a version that is
/// not PEP 440 (legacy uploads) is kept as text with `version` nil.
public struct SdistFilename: Hashable, Sendable {
    /// Extensions in the order they are tried (longest first where one ends another).
    public static let extensions = [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar.Z", ".tbz", ".tar"]

    public let name: ProjectName
    public let versionText: String
    public let version: Version?
    public let fileExtension: String

    public init(parsing filename: String) throws(PackagingError) {
        func invalid(_ why: String) -> PackagingError {
            PackagingError(.invalidFilename, "Invalid sdist filename (\(why)): '\(filename)'", input: filename)
        }
        guard let ext = Self.extensions.first(where: { filename.hasSuffix($0) }) else {
            throw invalid("extension must be '.tar.gz' or '.zip'")
        }
        let stem = String(filename.dropLast(ext.count))
        let pieces = PythonText.split(stem, on: "-")
        guard pieces.count > 1 else { throw invalid("no dash between name and version") }
        let versionPart = String(pieces[pieces.count - 1])
        let namePart = pieces.dropLast().joined(separator: "-")
        guard !namePart.isEmpty else { throw invalid("empty project name") }
        guard !versionPart.isEmpty else { throw invalid("empty version") }
        self.name = ProjectName(unchecked: namePart)
        self.versionText = versionPart
        self.version = Version(versionPart)
        self.fileExtension = ext
    }

    /// Whether this is one of the formats current tools build (`.tar.gz`, `.zip`).
    public var isCurrentFormat: Bool { fileExtension == ".tar.gz" || fileExtension == ".zip" }
}

/// A legacy egg filename: `{name}-{version}(-py{X.Y}(-{platform})?)?.egg`, with `-` in the
/// name and version escaped as `_` (setuptools' naming).
public struct EggFilename: Hashable, Sendable {
    public let name: ProjectName
    public let versionText: String
    public let version: Version?
    /// The Python version the egg was built for (`2.7`), if named.
    public let pythonVersion: String?
    public let platform: String?

    public init(parsing filename: String) throws(PackagingError) {
        guard filename.hasSuffix(".egg") else {
            throw PackagingError(.invalidFilename, "Invalid egg filename (extension must be '.egg'): '\(filename)'", input: filename)
        }
        let parts = PythonText.split(String(filename.dropLast(4)), on: "-", maxSplits: 3)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw PackagingError(.invalidFilename, "Invalid egg filename (needs a name and a version): '\(filename)'", input: filename)
        }
        self.name = ProjectName(unchecked: String(parts[0]))
        self.versionText = String(parts[1])
        self.version = Version(String(parts[1]).replacing("_", with: "-"))
        if parts.count >= 3 {
            guard parts[2].hasPrefix("py"), parts[2].count > 2 else {
                throw PackagingError(.invalidFilename, "Invalid egg filename (expected -pyX.Y): '\(filename)'", input: filename)
            }
            self.pythonVersion = String(parts[2].dropFirst(2))
        } else {
            self.pythonVersion = nil
        }
        self.platform = parts.count == 4 ? String(parts[3]) : nil
    }
}
