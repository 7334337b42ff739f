import Synchronization

/// Failed sign-ins by client address and user name: `allowedFailures` failures within a
/// minute and that user is refused from that address at once (429) until the minute is over,
/// without the deliberately slow password check. One client guessing passwords then cannot
/// queue checks in front of everyone else's sign-in.
final class SignInThrottle: Sendable {
    static let allowedFailures = 5
    static let window = Duration.seconds(60)
    /// Addresses tracked at most; past it the expired ones go, and then all.
    static let capacity = 10_000

    private let failures = Mutex<[String: (count: Int, since: ContinuousClock.Instant)]>([:])

    /// Seconds until `attempt` (an address and a user name) may be tried again, or nil when it may now.
    func wait(for address: String, now: ContinuousClock.Instant = .now) -> Int64? {
        failures.withLock { failures in
            guard let entry = failures[address] else { return nil }
            let end = entry.since + Self.window
            guard now < end else {
                failures[address] = nil
                return nil
            }
            return entry.count >= Self.allowedFailures ? max(1, (end - now).components.seconds) : nil
        }
    }

    func failed(_ address: String, now: ContinuousClock.Instant = .now) {
        failures.withLock { failures in
            if failures.count >= Self.capacity, failures[address] == nil {
                failures = failures.filter { now < $0.value.since + Self.window }
                if failures.count >= Self.capacity { failures.removeAll() }
            }
            if let entry = failures[address], now < entry.since + Self.window {
                failures[address] = (entry.count + 1, entry.since)
            } else {
                failures[address] = (1, now)
            }
        }
    }

    func succeeded(_ address: String) {
        _ = failures.withLock { $0.removeValue(forKey: address) }
    }
}
