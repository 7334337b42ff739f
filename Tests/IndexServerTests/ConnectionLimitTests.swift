#if canImport(Glibc)
import Glibc
#endif
import IndexServer
import Testing

/// A raw TCP connection, to send what no HTTP client would.
struct RawConnection: ~Copyable {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ConnectionError() }
    }

    struct ConnectionError: Error {}

    func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// What the server sends until it closes the connection (or resets it: closing with unread
    /// bytes does); nil if it goes quiet for 5 seconds instead.
    func receiveAll() -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno == ECONNRESET) { return String(decoding: received, as: UTF8.self) }
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
    }

    deinit { Glibc.close(socket) }
}

@Suite("Connection limits")
struct ConnectionLimitTests {
    @Test("a request head that does not arrive in time (or nothing at all) closes its connection; connections past the limits are closed at once; others are served")
    func limits() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.remove() }
        let limits = ConnectionLimits(maximum: 8, perAddress: 2, headTimeout: .seconds(1))
        try await fixture.test(live: true, limits: limits) { client in
            let port = try #require(client.port)
            let first = try RawConnection(port: port)
            first.send("GET /livez HTTP/1.1\r\nHost: x\r\n")
            let second = try RawConnection(port: port)
            second.send("GET /li")
            // The server counts connections as its event loops take them, in no set order: the
            // first two are given time to be counted before the one that must be refused.
            try await Task.sleep(for: .milliseconds(300))
            // Over the per-address limit: closed without an answer.
            let third = try RawConnection(port: port)
            third.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(third.receiveAll() == "")
            // The half-sent heads run out of time and are closed, unanswered.
            #expect(first.receiveAll() == "" && second.receiveAll() == "")
            // Once the server has counted them out (a moment after the client sees them closed),
            // a whole request is served.
            var answer: String?
            for _ in 0..<20 where answer?.hasPrefix("HTTP/1.1 200") != true {
                try await Task.sleep(for: .milliseconds(50))
                let fourth = try RawConnection(port: port)
                fourth.send("GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = fourth.receiveAll()
            }
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true)
            // A connection that sends nothing at all is closed at the same deadline.
            let silent = try RawConnection(port: port)
            #expect(silent.receiveAll() == "")
        }
    }
}
