/// A moment in UTC with microsecond precision, as Warehouse reports upload times, stored as
/// microseconds since 1970 and written in ISO 8601 (`2024-08-30T12:00:01.123456Z`).
/// Times read from text lie in years 1 to 9999 (`range`), as ISO 8601 and HTTP dates write
/// them; a time outside is refused where it is read, never stored.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The time `seconds` after 1970, clamped to `range` (NaN reads as 1970).
    public init(secondsSince1970 seconds: Double) {
        let micros = (seconds * 1_000_000).rounded()
        let lowest = Double(Self.range.lowerBound.microseconds)
        let highest = Double(Self.range.upperBound.microseconds)
        // Doubles near the ends round outwards: clamped again as integers.
        let clamped = micros.isNaN ? 0 : Int64(min(max(micros, lowest), highest))
        self.microseconds = min(max(clamped, Self.range.lowerBound.microseconds), Self.range.upperBound.microseconds)
    }

    /// 0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999999Z.
    public static let range = Timestamp(microseconds: -62_135_596_800_000_000)...Timestamp(microseconds: 253_402_300_799_999_999)

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// The calendar date and time of day in UTC (proleptic Gregorian), and the weekday
    /// (0 is Sunday).
    public var civil: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, microsecond: Int64, weekday: Int64) {
        let (days, remainder) = microseconds.floorDividing(by: 86_400_000_000)
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        let seconds = remainder / 1_000_000
        // 1970-01-01 was a Thursday.
        let weekday = (days % 7 + 11) % 7
        return (year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60, remainder % 1_000_000, weekday)
    }

    /// `2024-08-30T12:00:01.123456Z`
    public var iso8601: String {
        let time = civil
        return "\(pad(time.year, 4))-\(pad(time.month, 2))-\(pad(time.day, 2))T\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2)).\(pad(time.microsecond, 6))Z"
    }

    public var description: String { iso8601 }

    /// Reads ISO 8601 as indexes write it: `2024-08-30T12:00:01Z`, with or without a fraction
    /// (any number of digits), with `Z`, `+00:00` or another offset, or with a space for `T`
    /// (`2024-08-30 12:00:01.5+00:00`, Warehouse's `upload_time` style). Nil for anything
    /// else, and for a time outside `range` once the offset is applied.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8.prefix(64))
        guard bytes.count < 64 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int64(bytes[index] - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 6 { fraction = fraction * 10 + Int64(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { fraction *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
                guard let hours = number(index + 1..<index + 3), hours < 24 else { return nil }
                var minutesStart = index + 3
                if minutesStart < bytes.count, bytes[minutesStart] == UInt8(ascii: ":") { minutesStart += 1 }
                guard let minutes = number(minutesStart..<minutesStart + 2), minutes < 60 else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
                index = minutesStart + 2
            }
        }
        guard index == bytes.count else { return nil }
        let days = Self.daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let time = Timestamp(microseconds: seconds * 1_000_000 + fraction)
        guard Self.range.contains(time) else { return nil }
        self = time
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

extension Int64 {
    fileprivate func floorDividing(by divisor: Int64) -> (Int64, Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
