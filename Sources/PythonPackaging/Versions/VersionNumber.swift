/// A non-negative integer of any size, as a component of a version.
///
/// Python's integers are unbounded, so `1.99999999999999999999` is a valid version that
/// orders after `1.9`. Numbers that fit 64 bits are stored as such; longer ones keep their
/// decimal digits (without leading zeros) and order by length, then digit by digit.
public enum VersionNumber: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    case small(UInt64)
    /// Decimal digits with no leading zero, always greater than `UInt64.max`.
    case large(String)

    public init(integerLiteral value: UInt64) { self = .small(value) }

    /// Reads ASCII decimal digits; leading zeros are dropped as Python's `int()` does.
    init<C: Collection>(digits: C) where C.Element == UInt8 {
        var start = digits.startIndex
        while start != digits.endIndex, digits[start] == UInt8(ascii: "0") { start = digits.index(after: start) }
        let significant = digits[start...]
        if significant.count <= 19 {
            var value: UInt64 = 0
            for byte in significant { value = value &* 10 &+ UInt64(byte &- 0x30) }
            self = .small(value)
            return
        }
        var value: UInt64 = 0
        for byte in significant {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte &- 0x30))
            if o1 || o2 {
                self = .large(String(decoding: significant, as: UTF8.self))
                return
            }
            value = sum
        }
        self = .small(value)
    }

    public var isZero: Bool { self == .small(0) }

    public var description: String {
        switch self {
        case .small(let value): return String(value)
        case .large(let digits): return digits
        }
    }

    /// This number plus one.
    public var successor: VersionNumber {
        switch self {
        case .small(let value) where value < UInt64.max: return .small(value + 1)
        case .small(let value): return .large(Self.incrementDecimal(String(value)))
        case .large(let digits): return .large(Self.incrementDecimal(digits))
        }
    }

    private static func incrementDecimal(_ digits: String) -> String {
        var bytes = Array(digits.utf8)
        var index = bytes.count - 1
        while index >= 0 {
            if bytes[index] == UInt8(ascii: "9") {
                bytes[index] = UInt8(ascii: "0")
                index -= 1
            } else {
                bytes[index] += 1
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        return "1" + String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.small(let a), .small(let b)): return a < b
        case (.small, .large): return true
        case (.large, .small): return false
        case (.large(let a), .large(let b)):
            return a.utf8.count != b.utf8.count ? a.utf8.count < b.utf8.count : a < b
        }
    }
}
