import PythonPackaging
@testable import Replication
import Testing

@Suite("Dependency targets")
struct DependencyTargetsTests {
    let linux311 = DependencyTargets(pythons: ["3.11"], platforms: ["linux_x86_64"])

    func requirement(_ text: String) throws -> Requirement { try Requirement(parsing: text) }

    @Test("markers are evaluated for the target environments")
    func markers() throws {
        #expect(linux311.applies(try requirement("idna<4,>=2.5"), extras: []))
        #expect(linux311.applies(try requirement("tomli>=1; python_version < '3.12'"), extras: []))
        #expect(!linux311.applies(try requirement("colorama; sys_platform == 'win32'"), extras: []))
        #expect(!linux311.applies(try requirement("exceptiongroup>=1.0.0rc8; python_version < '3.11'"), extras: []))
        let windows = DependencyTargets(pythons: ["3.11"], platforms: ["win_amd64"])
        #expect(windows.applies(try requirement("colorama; sys_platform == 'win32'"), extras: []))
    }

    @Test("extra dependencies apply only when the dependent asked for the extra")
    func extras() throws {
        let socks = try requirement("PySocks!=1.5.7,>=1.5.6; extra == 'socks'")
        #expect(!linux311.applies(socks, extras: []))
        #expect(linux311.applies(socks, extras: ["socks"]))
    }

    @Test("no targets given means every supported Python on Linux, macOS and Windows")
    func defaults() throws {
        let everywhere = DependencyTargets(pythons: [], platforms: [])
        #expect(everywhere.applies(try requirement("colorama; sys_platform == 'win32'"), extras: []))
        #expect(everywhere.applies(try requirement("exceptiongroup; python_version < '3.11'"), extras: []))
        #expect(!everywhere.applies(try requirement("legacy; python_version < '3.8'"), extras: []))
        #expect(everywhere != linux311)
    }
}
