/// Checks on paths inside archives: nothing may point outside the archive's own tree.
enum EntryPath {
    /// Why `path` is unsafe, or nil if it is a plain relative path.
    static func problem(_ path: String) -> String? {
        if path.isEmpty { return "an entry has an empty name" }
        if path.hasPrefix("/") || path.hasPrefix("\\") { return "the entry '\(path)' has an absolute path" }
        let scalars = Array(path.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":", scalars[0].properties.isAlphabetic {
            return "the entry '\(path)' has a drive letter"
        }
        if path.unicodeScalars.contains("\0") { return "the entry '\(path)' has a NUL character in its name" }
        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if components.contains("..") { return "the entry '\(path)' climbs out of the archive with '..'" }
        return nil
    }

    /// The path split into its non-empty components, `.` removed.
    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/").filter { $0 != "." }
    }
}
