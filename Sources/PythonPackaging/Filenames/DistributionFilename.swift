/// The filename of any distribution an index serves: a wheel, an sdist or a legacy egg.
public enum DistributionFilename: Hashable, Sendable {
    case wheel(WheelFilename)
    case sdist(SdistFilename)
    case egg(EggFilename)

    /// Recognizes the kind by extension and parses it. Path separators and other characters
    /// that have no place in a filename are refused here, before anything touches a disk.
    public init(parsing filename: String) throws(PackagingError) {
        guard Self.isSafe(filename) else {
            throw PackagingError(
                .invalidFilename,
                "'\(filename)' is not a plain filename: no slashes, backslashes, control characters or leading dots",
                input: filename)
        }
        if filename.hasSuffix(".whl") {
            self = .wheel(try WheelFilename(parsing: filename))
        } else if filename.hasSuffix(".egg") {
            self = .egg(try EggFilename(parsing: filename))
        } else {
            self = .sdist(try SdistFilename(parsing: filename))
        }
    }

    /// Whether `filename` can name a file in a flat directory without escaping it.
    public static func isSafe(_ filename: String) -> Bool {
        guard !filename.isEmpty, filename.utf8.count <= 255, !filename.hasPrefix(".") else { return false }
        return !filename.unicodeScalars.contains { scalar in
            scalar == "/" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7F
        }
    }

    /// The normalized project name.
    public var name: ProjectName {
        switch self {
        case .wheel(let wheel): wheel.name
        case .sdist(let sdist): sdist.name
        case .egg(let egg): egg.name
        }
    }

    /// The version as written in the filename.
    public var versionText: String {
        switch self {
        case .wheel(let wheel): wheel.version.description
        case .sdist(let sdist): sdist.versionText
        case .egg(let egg): egg.versionText
        }
    }

    /// The version, if it is PEP 440.
    public var version: Version? {
        switch self {
        case .wheel(let wheel): wheel.version
        case .sdist(let sdist): sdist.version
        case .egg(let egg): egg.version
        }
    }

    /// Warehouse's `packagetype`: `bdist_wheel`, `sdist` or `bdist_egg`.
    public var packageType: String {
        switch self {
        case .wheel: "bdist_wheel"
        case .sdist: "sdist"
        case .egg: "bdist_egg"
        }
    }

    /// Warehouse's `python_version`: the python tag of a wheel (`py2.py3`), `source` for an
    /// sdist, the Python version of an egg.
    public var pythonVersion: String {
        switch self {
        case .wheel(let wheel): wheel.pythonTag
        case .sdist: "source"
        case .egg(let egg): egg.pythonVersion ?? "any"
        }
    }

    /// The platform families the file is built for; an sdist is `.any`.
    public var platformFamilies: Set<PlatformFamily> {
        switch self {
        case .wheel(let wheel): wheel.platformFamilies
        case .sdist: [.any]
        case .egg(let egg): egg.platform.map { [PlatformFamily(platformTag: $0)] } ?? [.any]
        }
    }
}
