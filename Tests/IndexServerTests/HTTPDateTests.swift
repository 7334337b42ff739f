@testable import IndexServer
import PythonPackaging
import Testing

@Suite("HTTP dates")
struct HTTPDateTests {
    @Test("IMF-fixdate for any time: years 1 to 9999, and what lies beyond written as the nearest end")
    func format() {
        #expect(HTTPDate.format(Timestamp(iso8601: "2026-11-26T07:13:44.5Z")!) == "Thu, 26 Nov 2026 07:13:44 GMT")
        #expect(HTTPDate.format(Timestamp(microseconds: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(Timestamp(microseconds: -1)) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.format(Timestamp.range.upperBound) == "Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(HTTPDate.format(Timestamp.range.lowerBound) == "Mon, 01 Jan 0001 00:00:00 GMT")
        #expect(HTTPDate.format(Timestamp(microseconds: .max)) == "Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(HTTPDate.format(Timestamp(microseconds: .min)) == "Mon, 01 Jan 0001 00:00:00 GMT")
    }
}
