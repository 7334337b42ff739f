/// The operating system family a wheel platform tag targets, for platform filters.
public enum PlatformFamily: String, Hashable, Sendable, CaseIterable {
    /// `any`: pure wheels run everywhere.
    case any
    case windows
    case macos
    /// `linux_*`, `manylinux*` and `musllinux_*`.
    case linux
    case freebsd
    /// Anything else (`android_*`, `ios_*`, `solaris_*`, …).
    case other

    /// Classifies one platform tag.
    public init(platformTag: String) {
        let tag = platformTag.lowercased()
        if tag == "any" {
            self = .any
        } else if tag == "win32" || tag.hasPrefix("win_") {
            self = .windows
        } else if tag.hasPrefix("macosx_") {
            self = .macos
        } else if tag.hasPrefix("linux_") || tag.hasPrefix("manylinux") || tag.hasPrefix("musllinux_") {
            self = .linux
        } else if tag.hasPrefix("freebsd") {
            self = .freebsd
        } else {
            self = .other
        }
    }

    /// Reads a filter value (`windows`, `macos`, `linux`, `freebsd`), as pulp_python's
    /// `exclude_platforms` names them.
    public init?(filterName: String) {
        self.init(rawValue: filterName.lowercased())
    }
}
