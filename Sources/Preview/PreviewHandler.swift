// One preview connection on swift-nio's HTTP/1 pipeline: GET and HEAD only, no request bodies, a deadline for
// each request head, files streamed in pieces with `FileRegion` (sendfile), closed when the client stalls.
//
// The request line and headers are parsed by NIOHTTP1's decoder (llhttp) with a cap on their size
// (`PreviewServer.maxRequestHead`); over it the decoder fails with `headerOverflow` and the connection gets
// 431 and is closed. This handler never sees the bytes of a request, only its decoded parts.
import Foundation
import NIOCore
import NIOHTTP1

final class PreviewHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let server: PreviewServer
    /// Bytes per `FileRegion` write: each completed piece counts as progress for the stall timeout.
    static let piece = 1 << 20

    private var headDeadline: Scheduled<Void>?
    /// True from a request's head until the last byte of its answer is handed to the socket.
    private var responding = false
    private var closing = false

    init(server: PreviewServer) { self.server = server }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armHeadDeadline(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armHeadDeadline(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        headDeadline?.cancel()
        headDeadline = nil
        context.fireChannelInactive()
    }

    /// A whole request head must arrive within the idle timeout of the connection opening (or of the previous
    /// answer): a client that sends nothing, or a byte now and then, is disconnected.
    private func armHeadDeadline(_ context: ChannelHandlerContext) {
        headDeadline?.cancel()
        headDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: server.idleTimeout) {
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data), !closing else { return }   // bodies are never read
        headDeadline?.cancel()
        headDeadline = nil
        responding = true
        guard head.method == .GET || head.method == .HEAD else {
            // Answered at once and closed: a POST's body is not read, whatever its length.
            return finish(context, .text(.methodNotAllowed, "", extra: [("Allow", "GET, HEAD")]), head: false, keepAlive: false)
        }
        if head.headers.contains(name: "Transfer-Encoding")
            || head.headers["Content-Length"].contains(where: { $0.trimmingCharacters(in: .whitespaces) != "0" }) {
            return finish(context, .text(.payloadTooLarge, "the preview takes no request bodies\n"), head: head.method == .HEAD,
                          keepAlive: false)
        }
        let reply = PreviewServer.reply(for: head.uri, root: server.root, generation: server.generation.value.load(ordering: .relaxed))
        finish(context, reply, head: head.method == .HEAD, keepAlive: head.isKeepAlive)
    }

    /// Writes the answer (headers only for HEAD and refusals), then closes or waits for the next request.
    private func finish(_ context: ChannelHandlerContext, _ reply: Reply, head: Bool, keepAlive: Bool) {
        var headers = reply.headers
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.statusCode, headers: headers))), promise: nil)
        if !closing, !keepAlive { closing = true }
        switch reply.body {
        case .bytes(let bytes):
            if !head, !bytes.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil) }
            end(context, keepAlive: keepAlive)
        case .file(let file):
            guard !head, file.size > 0 else { return end(context, keepAlive: keepAlive) }
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.take())
            stream(context, handle, from: 0, to: file.size, keepAlive: keepAlive)
        }
    }

    /// One piece of the file, then the next once the socket has taken it (never more than a piece queued).
    private func stream(_ context: ChannelHandlerContext, _ handle: NIOFileHandle, from: Int, to: Int, keepAlive: Bool) {
        let upTo = min(from + Self.piece, to)
        let region = FileRegion(fileHandle: handle, readerIndex: from, endIndex: upTo)
        context.writeAndFlush(wrapOutboundOut(.body(.fileRegion(region)))).assumeIsolated().whenComplete { result in
            switch result {
            case .success where upTo < to:
                // Through the event loop, not recursively: a piece the socket takes at once completes at once.
                context.eventLoop.assumeIsolated().execute { self.stream(context, handle, from: upTo, to: to, keepAlive: keepAlive) }
            case .success:
                try? handle.close()
                self.end(context, keepAlive: keepAlive)
            case .failure:
                try? handle.close()
                context.close(promise: nil)
            }
        }
    }

    private func end(_ context: ChannelHandlerContext, keepAlive: Bool) {
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            self.responding = false
            if keepAlive, !self.closing {
                self.armHeadDeadline(context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    /// The stall timeout: no piece of an answer was taken by the socket for the idle timeout (a client that
    /// stopped reading). Between requests the head deadline applies instead.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .write, responding {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The decoder's refusals: a request head over the cap is 431, anything else it cannot parse 400; the
    /// connection is closed either way (NIO's decoder accepts nothing more on it).
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parse = error as? HTTPParserError, !responding, !closing else {
            context.close(promise: nil)
            return
        }
        responding = true
        headDeadline?.cancel()
        if parse == .headerOverflow {
            finish(context, .text(.requestHeaderFieldsTooLarge,
                                  "the request line and headers may be \(PreviewServer.maxRequestHead) bytes at most\n"),
                   head: false, keepAlive: false)
        } else {
            finish(context, .text(.badRequest, "malformed request\n"), head: false, keepAlive: false)
        }
    }
}
