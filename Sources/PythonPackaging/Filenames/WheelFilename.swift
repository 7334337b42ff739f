/// A PEP 427/491 wheel filename: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
///
/// Parsed as `packaging.utils.parse_wheel_filename` does, compressed tag sets included.
public struct WheelFilename: Hashable, Sendable {
    /// The normalized project name.
    public let name: ProjectName
    public let version: Version
    /// The build tag: its leading number and the rest (`1abc` gives `(1, "abc")`).
    public let build: (number: VersionNumber, rest: String)?
    /// The python tag field as written (`py2.py3`, `cp311`).
    public let pythonTag: String
    public let abiTag: String
    public let platformTag: String
    /// Every tag the compressed tag set expands to.
    public let tags: Set<Tag>

    public init(parsing filename: String) throws(PackagingError) {
        func invalid(_ why: String) -> PackagingError {
            PackagingError(.invalidFilename, "Invalid wheel filename (\(why)): '\(filename)'", input: filename)
        }
        guard filename.hasSuffix(".whl") else { throw invalid("extension must be '.whl'") }
        let stem = filename.dropLast(4)
        let dashes = PythonText.count(of: "-", in: stem)
        guard dashes == 4 || dashes == 5 else { throw invalid("wrong number of parts") }
        let parts = PythonText.split(stem, on: "-", maxSplits: dashes - 2)
        let namePart = parts[0]
        guard !ScalarText.contains(String(namePart), "__"), !namePart.isEmpty,
            namePart.unicodeScalars.allSatisfy({ PythonText.isWordCharacter($0) || $0 == "." })
        else { throw invalid("invalid project name") }
        guard let version = Version(String(parts[1])) else { throw invalid("invalid version") }
        if dashes == 5 {
            let buildPart = parts[2]
            let digits = buildPart.utf8.prefix(while: PythonText.isASCIIDigit)
            guard !digits.isEmpty, !buildPart.unicodeScalars.contains("\n") else { throw invalid("invalid build number '\(buildPart)'") }
            self.build = (VersionNumber(digits: digits), String(buildPart.dropFirst(digits.count)))
        } else {
            self.build = nil
        }
        let tagText = String(parts[parts.count - 1])
        let tagFields = PythonText.split(tagText, on: "-")
        do throws(PackagingError) {
            self.tags = try Tag.parseSet(tagText)
        } catch {
            throw invalid("invalid tag component")
        }
        self.name = ProjectName(unchecked: String(namePart))
        self.version = version
        self.pythonTag = String(tagFields[0])
        self.abiTag = String(tagFields[1])
        self.platformTag = String(tagFields[2])
    }

    /// The operating system families of the platform tags.
    public var platformFamilies: Set<PlatformFamily> {
        Set(PythonText.split(platformTag, on: ".").map { PlatformFamily(platformTag: String($0)) })
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.version == rhs.version && lhs.build?.number == rhs.build?.number
            && lhs.build?.rest == rhs.build?.rest && lhs.tags == rhs.tags
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(version)
        hasher.combine(tags)
    }
}
