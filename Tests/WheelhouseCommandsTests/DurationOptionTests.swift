@testable import WheelhouseCommands
import Testing

@Suite("Durations on the command line")
struct DurationOptionTests {
    @Test("units and plain seconds", arguments: [("45", 45), ("45s", 45), ("30m", 1800), (" 12H ", 43200), ("7d", 604_800), ("2w", 1_209_600), ("0", 0)])
    func parsed(text: String, seconds: Int64) throws {
        #expect(try SyncOptions.seconds(text) == seconds)
    }

    @Test("refused with a message, never an overflow", arguments: ["99999999999999999d", "9223372036854775807w", "101y", "-5m", "h", "", "1.5h"])
    func refused(text: String) {
        #expect(throws: CommandFailure.self) { try SyncOptions.seconds(text) }
    }

    @Test("over 100 years is refused")
    func bounded() throws {
        #expect(try SyncOptions.seconds("36600d") == 36600 * 86400)
        #expect(throws: CommandFailure.self) { try SyncOptions.seconds("36601d") }
    }
}
