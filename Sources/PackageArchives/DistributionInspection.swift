public import PythonPackaging

/// A distribution file understood: its filename, the metadata inside, and whether the two
/// agree.
public struct InspectedDistribution: Sendable, Hashable {
    public let filename: DistributionFilename
    public let archive: ArchiveMetadata

    public var metadata: CoreMetadata { archive.metadata }
}

extension DistributionArchive {
    /// Reads a distribution and checks that its metadata names the same project and version
    /// as its filename. With `strict` (uploads), the metadata must also pass every check of
    /// `CoreMetadata.validated`, a wheel must carry `WHEEL` and `RECORD`, an sdist must be in a
    /// current format (`.tar.gz` or `.zip`), and eggs are refused; all are read when mirrored.
    public static func inspect(
        filename text: String, bytes: UnsafeRawBufferPointer, strict: Bool, limits: ArchiveLimits = .default
    ) throws(ArchiveError) -> InspectedDistribution {
        let filename: DistributionFilename
        do throws(PackagingError) {
            filename = try DistributionFilename(parsing: text)
        } catch {
            throw ArchiveError(.inconsistent, error.message)
        }
        if strict {
            switch filename {
            case .sdist(let sdist) where !sdist.isCurrentFormat:
                throw ArchiveError(
                    .unsupported, "'\(sdist.fileExtension)' sdists are not accepted as uploads (PEP 527, as PyPI); build a .tar.gz sdist instead")
            case .egg:
                throw ArchiveError(.unsupported, "eggs are not accepted as uploads (PEP 715, as PyPI); build a wheel instead")
            default:
                break
            }
        }
        let archive = try readMetadata(of: filename, from: bytes, limits: limits)
        if strict {
            do throws(PackagingError) {
                _ = try CoreMetadata.validated(archive.metadataBytes)
            } catch {
                throw ArchiveError(.inconsistent, "\(archive.metadataPath) is invalid:\n" + error.problems.map { "  - \($0)" }.joined(separator: "\n"))
            }
            if case .wheel = filename, !archive.hasWheelFile || !archive.hasRecord {
                throw ArchiveError(.inconsistent, "the wheel's .dist-info directory must contain WHEEL and RECORD files")
            }
        }
        try checkAgreement(filename, archive.metadata)
        return InspectedDistribution(filename: filename, archive: archive)
    }

    /// The filename's project and version must be the metadata's.
    static func checkAgreement(_ filename: DistributionFilename, _ metadata: CoreMetadata) throws(ArchiveError) {
        guard let name = metadata.name, !name.isEmpty else { throw ArchiveError(.inconsistent, "the metadata has no Name") }
        guard let versionText = metadata.version, !versionText.isEmpty else {
            throw ArchiveError(.inconsistent, "the metadata has no Version")
        }
        if ProjectName.normalize(name) != filename.name.normalized {
            throw ArchiveError(
                .inconsistent, "the filename names the project '\(filename.name.normalized)' but the metadata says '\(name)'")
        }
        let agrees: Bool
        if let fileVersion = filename.version, let metadataVersion = Version(versionText) {
            agrees = fileVersion == metadataVersion
        } else {
            agrees = filename.versionText.replacing("_", with: "-") == versionText.replacing("_", with: "-")
        }
        if !agrees {
            throw ArchiveError(
                .inconsistent, "the filename says version '\(filename.versionText)' but the metadata says '\(versionText)'")
        }
    }
}
