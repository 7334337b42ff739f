import PythonPackaging
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test("timestamps print and read ISO 8601 as indexes write it")
    func iso8601() {
        let time = Timestamp(microseconds: 1_725_019_201_123_456)
        #expect(time.iso8601 == "2024-08-30T12:00:01.123456Z")
        #expect(Timestamp(iso8601: "2024-08-30T12:00:01.123456Z") == time)
        #expect(Timestamp(iso8601: "2024-08-30 14:00:01.123456+02:00") == time)
        #expect(Timestamp(iso8601: "2024-08-30T12:00:01Z")?.microseconds == 1_725_019_201_000_000)
        #expect(Timestamp(iso8601: "2024-08-30T12:00:01.5Z")?.microseconds == 1_725_019_201_500_000)
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59Z")?.microseconds == -1_000_000)
        #expect(Timestamp(iso8601: "yesterday") == nil)
    }

    @Test(
        "times outside years 1 to 9999, once the offset is applied, are refused where they are read",
        arguments: [
            "9999-12-31T23:59:59-01:00", "0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01", "2024-08-30T12:00:01+99:00",
            "2024-08-30T12:00:01+00:99", "2024-08-30T12:00:01." + String(repeating: "9", count: 80) + "Z",
        ])
    func outOfRange(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("the ends of the range read and print")
    func rangeEnds() {
        #expect(Timestamp(iso8601: "9999-12-31T23:59:59.999999Z") == Timestamp.range.upperBound)
        #expect(Timestamp(iso8601: "0001-01-01T00:00:00Z") == Timestamp.range.lowerBound)
        #expect(Timestamp.range.upperBound.iso8601 == "9999-12-31T23:59:59.999999Z")
        #expect(Timestamp.range.lowerBound.iso8601 == "0001-01-01T00:00:00.000000Z")
        #expect(Timestamp(secondsSince1970: .infinity) == Timestamp.range.upperBound)
        #expect(Timestamp(secondsSince1970: -.infinity) == Timestamp.range.lowerBound)
        #expect(Timestamp(secondsSince1970: .nan).microseconds == 0)
    }

    @Test("the calendar breakdown names the weekday")
    func civil() {
        let time = Timestamp(iso8601: "2026-11-26T07:13:44Z")!.civil
        #expect(time.year == 2026 && time.month == 11 && time.day == 26 && time.hour == 7 && time.minute == 13 && time.second == 44)
        #expect(time.weekday == 4, "a Thursday")
        #expect(Timestamp(microseconds: -1).civil.weekday == 3, "1969-12-31 was a Wednesday")
    }
}

@Suite("sha256 digests")
struct SHA256DigestTests {
    @Test("64 hex digits in either case are a digest, written lower case")
    func valid() {
        let text = "70761CFE03C773CEB22AA2F671B4757976145175CDFCA038C02654D061D6DCC6"
        #expect(SHA256Digest(hex: text)?.hex == text.lowercased())
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0xAB, count: 32)).hex == String(repeating: "ab", count: 32))
    }

    @Test(
        "anything else is not",
        arguments: [
            "", "../../../../wheelhouse.sqlite", String(repeating: "a", count: 63), String(repeating: "a", count: 65),
            String(repeating: "g", count: 64), "/" + String(repeating: "a", count: 63), String(repeating: "a", count: 62) + "é",
            String(repeating: "a", count: 63) + "\n", "\"><script>x</script>" + String(repeating: "a", count: 44),
        ])
    func invalid(text: String) {
        #expect(SHA256Digest(hex: text) == nil)
    }
}
