import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process as tasks record who runs them: its host, its id and when it started (Linux's
/// `/proc/<pid>/stat` start time, so that an id the system gave again to another process is
/// told apart). Another `serve` on the same data directory leaves a running process's tasks
/// alone; a process that is gone leaves its tasks to be failed.
public enum ProcessIdentity {
    public static let current = "\(host) \(getpid()) \(startTime(of: getpid()) ?? 0)"

    private static let host = ProcessInfo.processInfo.hostName

    /// Whether the process an identity names still runs. One on another host is assumed to
    /// (it is not this machine's to judge).
    static func isRunning(_ identity: String) -> Bool {
        let parts = identity.split(separator: " ")
        guard parts.count == 3, let pid = pid_t(parts[1]), pid > 0, let started = UInt64(parts[2]) else { return false }
        guard parts[0] == host else { return true }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        return startTime(of: pid).map { $0 == started } ?? true
    }

    /// The process's start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`).
    private static func startTime(of pid: pid_t) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        // The fields after the command name (which may hold spaces) begin with field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
