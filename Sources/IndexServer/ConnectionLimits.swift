import NIOCore
import NIOHTTPTypes
import Synchronization

/// What an anonymous client can hold while it sends nothing useful: at most `maximum`
/// connections open at once (and `perAddress` from one address, so that one client cannot
/// take them all), and a request head must arrive in full within `headTimeout` of its first
/// byte. Without them, a thousand connections that each send half a request hold every file
/// descriptor the process has, and nobody else is served.
public struct ConnectionLimits: Sendable {
    public var maximum: Int
    public var perAddress: Int
    public var headTimeout: Duration

    public init(maximum: Int = 4_096, perAddress: Int = 256, headTimeout: Duration = .seconds(15)) {
        self.maximum = maximum
        self.perAddress = perAddress
        self.headTimeout = headTimeout
    }
}

/// The connections open now, by client address.
final class ConnectionCount: Sendable {
    let limits: ConnectionLimits
    private let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(limits: ConnectionLimits) { self.limits = limits }

    /// Counts a new connection in, or says no when it would pass a limit.
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            let fromAddress = open.byAddress[address, default: 0]
            guard open.total < limits.maximum, fromAddress < limits.perAddress else { return false }
            open.total += 1
            open.byAddress[address] = fromAddress + 1
            return true
        }
    }

    func release(_ address: String) {
        open.withLock { open in
            open.total -= 1
            let left = open.byAddress[address, default: 1] - 1
            open.byAddress[address] = left > 0 ? left : nil
        }
    }

    var total: Int { open.withLock { $0.total } }
}

/// Added after the HTTP decoding (where Hummingbird puts extra handlers): puts a
/// `RequestHeadDeadline` at the front of the pipeline, where it sees the raw bytes, and stays
/// to tell it when a request head has been decoded and when its response has been sent.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadline: RequestHeadDeadline

    init(count: ConnectionCount) { deadline = RequestHeadDeadline(count: count) }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(deadline, position: .first)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { deadline.headArrived() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadline.responseSent() }
        context.write(data, promise: promise)
    }
}

/// Sees a connection's raw bytes: counts the connection in (closing it when over a limit) and
/// closes it when a request's head does not arrive in full within the time allowed — from
/// the connection's opening, and from the first byte of each later request. A connection
/// idle between requests is left to the server's idle timeout, and one whose request is being
/// answered (an upload read, a file fetched) is never cut short by this.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        /// Between requests: the next byte starts the clock.
        case idle
        case readingHead
        /// From a request's head until its response is sent.
        case handling
    }

    private let count: ConnectionCount
    private var state = State.readingHead
    /// When the head being read began to arrive.
    private var headStarted = NIODeadline.now()
    /// One timer per connection, armed at most once at a time: requests on a kept-alive
    /// connection only note the time their first byte came (a timer per request cost a tenth
    /// of the throughput of small requests).
    private var timer: Scheduled<Void>?
    private var address: String?

    init(count: ConnectionCount) { self.count = count }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard count.admit(address) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        headStarted = .now()
        arm(context, after: TimeAmount(count.limits.headTimeout))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if let address { count.release(address) }
        address = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard address != nil else { return }
        if state == .idle {
            state = .readingHead
            headStarted = .now()
            if timer == nil { arm(context, after: TimeAmount(count.limits.headTimeout)) }
        }
        context.fireChannelRead(data)
    }

    /// When it fires: a head still being read past its time closes the connection; one read
    /// more recently gets the rest of its time; anything else lets the timer lapse.
    private func arm(_ context: ChannelHandlerContext, after delay: TimeAmount) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            guard let self else { return }
            self.timer = nil
            guard self.state == .readingHead, self.address != nil else { return }
            let deadline = self.headStarted + TimeAmount(self.count.limits.headTimeout)
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                self.arm(context, after: deadline - .now())
            }
        }
    }

    func headArrived() {
        state = .handling
    }

    func responseSent() {
        if state == .handling { state = .idle }
    }
}
