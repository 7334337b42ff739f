import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Finishes responses at the HTTP/1.1 level, below swift-http-types, where routes cannot reach:
/// - a client error's own reason phrase on the status line, as PyPI does (twine prints the
///   reason, not the body); the conversion from swift-http-types keeps only standard phrases;
/// - a file body sent with `sendfile` (zero copy) instead of through the HTTP-types layer,
///   which only carries byte buffers.
/// Routes ask for these with private headers, which this handler removes.
final class ResponseHeadHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The reason phrase to put on the status line.
    static let reasonHeader = "x-wheelhouse-reason"
    /// `OFFSET LENGTH PATH`: the byte range of a file to send as the body. The response's own
    /// body must be empty and its `Content-Length` must be `LENGTH`.
    static let fileHeader = "x-wheelhouse-file"

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.headers.contains(name: Self.reasonHeader) || head.headers.contains(name: Self.fileHeader)
        else {
            context.write(data, promise: promise)
            return
        }
        if let reason = head.headers.first(name: Self.reasonHeader) {
            head.headers.remove(name: Self.reasonHeader)
            head.status = .custom(code: head.status.code, reasonPhrase: reason)
        }
        guard let file = head.headers.first(name: Self.fileHeader) else {
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        }
        head.headers.remove(name: Self.fileHeader)
        let parts = file.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, let offset = Int(parts[0]), let length = Int(parts[1]),
            let handle = try? NIOFileHandle(_deprecatedPath: String(parts[2]))
        else {
            // The file vanished between the route's check and now: the head promised a body
            // that cannot come, so the connection is closed rather than answered wrongly.
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
            return
        }
        context.write(wrapOutboundOut(.head(head)), promise: promise)
        let sent = context.eventLoop.makePromise(of: Void.self)
        sent.futureResult.whenComplete { _ in try? handle.close() }
        context.write(wrapOutboundOut(.body(.fileRegion(FileRegion(fileHandle: handle, readerIndex: offset, endIndex: offset + length)))), promise: sent)
    }
}

/// Hummingbird adds extra handlers after its HTTP-types conversion; this one, added there, puts
/// a `ResponseHeadHandler` before the conversion and then steps out of the pipeline.
final class ResponseHeadHandlerInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(ResponseHeadHandler(), position: .before(codec))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
