extension Version {
    /// The normalized form, as `str(packaging.version.Version(...))` prints it.
    public var description: String {
        var text = epoch.isZero ? "" : "\(epoch)!"
        text += publicReleaseText
        if let pre { text += "\(pre.kind)\(pre.number)" }
        if let post { text += ".post\(post)" }
        if let dev { text += ".dev\(dev)" }
        if let localDescription { text += "+" + localDescription }
        return text
    }

    /// The normalized public version (everything before `+`).
    public var publicDescription: String {
        let full = description
        guard let plus = full.firstIndex(of: "+") else { return full }
        return String(full[..<plus])
    }

    /// The release with trailing zeros removed, keeping at least one component (PEP 625 and
    /// `packaging.utils.canonicalize_version`): `1.0.0` gives `1`.
    public var trimmingTrailingZeros: Version {
        guard significantReleaseCount < release.count else { return self }
        return replacing(release: Array(release.prefix(Swift.max(significantReleaseCount, 1))))
    }

    private var publicReleaseText: String { release.map(\.description).joined(separator: ".") }
}
