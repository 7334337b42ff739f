/// Sort keys written back to back into one growing buffer. Space for a whole key is reserved
/// up front, so writing a byte is a store and an increment.
struct SortKeyBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = Swift.max(capacity * 2, count + extra)
        let replacement = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        replacement.update(from: base, count: count)
        base.deallocate()
        base = replacement
        capacity = grown
    }

    /// Writes one byte; the caller has reserved room for it.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Writes bytes; the caller has reserved room for them.
    mutating func append(contentsOf bytes: some Collection<UInt8>) {
        for byte in bytes { append(byte) }
    }

    /// Calls `body` with the bytes written so far, which stay valid only within it.
    borrowing func withWritten<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }
}
