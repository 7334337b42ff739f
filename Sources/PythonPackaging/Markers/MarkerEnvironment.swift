/// The values markers are evaluated against: PEP 508's variables (`python_version`,
/// `sys_platform`, …) as strings, and the set-valued `extras` and `dependency_groups`.
public struct MarkerEnvironment: Sendable, Hashable {
    public var values: [String: String]
    public var sets: [String: Set<String>]

    public init(values: [String: String] = [:], sets: [String: Set<String>] = [:]) {
        self.values = values
        self.sets = sets
    }

    /// The environment of a CPython interpreter of `pythonVersion` (`3.11` or `3.11.4`) on a
    /// platform given as a wheel platform tag (`linux_x86_64`, `manylinux_2_17_aarch64`,
    /// `macosx_11_0_arm64`, `win_amd64`), for resolving dependencies of a target environment.
    public static func cpython(_ pythonVersion: String, platformTag: String) -> MarkerEnvironment {
        let parts = pythonVersion.split(separator: ".")
        let short = parts.prefix(2).joined(separator: ".")
        let full = parts.count >= 3 ? pythonVersion : short + ".0"
        let platform = TargetPlatform(tag: platformTag)
        return MarkerEnvironment(values: [
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": platform.osName,
            "platform_machine": platform.machine,
            "platform_release": "",
            "platform_system": platform.system,
            "platform_version": "",
            "python_full_version": full,
            "platform_python_implementation": "CPython",
            "python_version": short,
            "sys_platform": platform.sysPlatform,
        ])
    }
}

/// What a wheel platform tag says about `sys.platform`, `platform.system()` and the machine.
private struct TargetPlatform {
    var sysPlatform = "linux"
    var system = "Linux"
    var osName = "posix"
    var machine = "x86_64"

    init(tag: String) {
        let lower = tag.lowercased()
        if lower.hasPrefix("win") {
            sysPlatform = "win32"
            system = "Windows"
            osName = "nt"
            machine = lower.hasSuffix("arm64") ? "ARM64" : lower == "win32" ? "x86" : "AMD64"
        } else if lower.hasPrefix("macosx") {
            sysPlatform = "darwin"
            system = "Darwin"
            machine = lower.hasSuffix("arm64") ? "arm64" : "x86_64"
        } else if lower.hasPrefix("freebsd") {
            sysPlatform = lower.split(separator: "_").first.map(String.init) ?? "freebsd"
            system = "FreeBSD"
            machine = Self.machineSuffix(of: lower)
        } else {
            machine = Self.machineSuffix(of: lower)
        }
    }

    /// The architecture at the end of a tag such as `manylinux_2_17_aarch64`.
    private static func machineSuffix(of tag: String) -> String {
        for arch in ["x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64", "amd64", "arm64"]
        where tag.hasSuffix(arch) {
            return arch
        }
        return String(tag.split(separator: "_").last ?? "x86_64")
    }
}
