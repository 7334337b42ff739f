import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Puts a failure's own reason phrase on the HTTP/1.1 status line, as PyPI does: upload tools
/// (twine) print the reason, not the body. The conversion from swift-http-types to NIO keeps
/// only standard phrases, so a failure passes its phrase in a private header that this handler,
/// placed before that conversion, turns into the status line and removes.
final class ReasonPhraseHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The private header a response uses to ask for a reason phrase.
    static let headerName = "x-wheelhouse-reason"

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status.code >= 400, let reason = head.headers.first(name: Self.headerName) else {
            context.write(data, promise: promise)
            return
        }
        head.headers.remove(name: Self.headerName)
        head.status = .custom(code: head.status.code, reasonPhrase: reason)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}

/// Hummingbird adds extra handlers after its HTTP-types conversion; this one, added there, puts
/// a `ReasonPhraseHandler` before the conversion and then steps out of the pipeline.
final class ReasonPhraseInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(ReasonPhraseHandler(), position: .before(codec))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
