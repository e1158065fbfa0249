// Serves output/ on 127.0.0.1 for `labbook watch --serve PORT`, with live reload of the open page, on swift-nio.
//
// Pages on disk stay byte-identical to `labbook build`: the reload script is added only to the HTML as it is
// served. It polls /__labbook/build, a counter the watch loop bumps after each rebuild.
//
// What a local client can make it do is bounded (docs/reliability.md, issue 15 item 11): GET and HEAD only,
// no request bodies (405 or 413, then the connection closes without reading them), request line and headers
// at most `maxRequestHead` bytes (431, NIOHTTP1's decoder), a request head must arrive within `idleTimeout`,
// an answer the client stops reading is dropped after `idleTimeout`, files are streamed with sendfile in
// 1 MiB pieces (pages up to 16 MiB are read to add the script), never through a symbolic link.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class PreviewServer: Sendable {
    public let port: UInt16
    let root: URL
    let idleTimeout: TimeAmount
    /// Bumped after each rebuild.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
    let generation = Counter()

    /// The request line and all header lines together, in bytes (NIOHTTP1 counts the target and every header
    /// name and value; the default, 80 KiB, is far more than a browser sends).
    static let maxRequestHead = 8 << 10

    /// Why the server cannot start, for an exit-2 message.
    public struct PortUnavailable: Error, CustomStringConvertible {
        public let port: UInt16
        public let errno: Int32
        public var description: String {
            errno == EADDRINUSE
                ? "cannot serve on 127.0.0.1:\(port): the port is already in use (another labbook watch?); choose another with --serve PORT"
                : "cannot serve on 127.0.0.1:\(port): \(String(cString: strerror(errno)))"
        }
    }

    /// Checks that the port is free (binding it once, as the server will), so `watch` can say so before building.
    /// A request head must arrive, and an answer must keep moving, within `idleTimeout`.
    public init(root: URL, port: UInt16, idleTimeout: Duration = .seconds(10)) throws {
        self.port = port
        self.root = root
        let (s, atto) = idleTimeout.components
        self.idleTimeout = .nanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
        try PreviewServer.checkPort(port)
    }

    static func checkPort(_ port: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PortUnavailable(port: port, errno: Glibc.errno) }
        defer { close(fd) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw PortUnavailable(port: port, errno: Glibc.errno) }
    }

    /// Tells open pages to reload.
    public func rebuilt() { generation.value.add(1, ordering: .relaxed) }

    /// Serves until the task is cancelled. No per-connection log: the terminal gets one line per rebuild.
    public func run() async throws {
        let listening = try await listen()
        try await withTaskCancellationHandler {
            try await listening.channel.closeFuture.get()
        } onCancel: {
            listening.stop()
        }
    }

    /// The listening socket; `stop()` closes it (open connections finish on their own).
    struct Listening: Sendable {
        let channel: any Channel
        func stop() { channel.close(promise: nil) }
    }

    /// Binds 127.0.0.1:port and starts answering until `stop()`.
    func listen() async throws -> Listening {
        let limits = {
            var l = NIOHTTPDecoderLimitConfiguration()
            l.maxHeaderFieldSize = PreviewServer.maxRequestHead
            l.maxHeaderListSize = PreviewServer.maxRequestHead
            l.maxHeaderFieldCount = 100
            return l
        }()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    // Nearest the socket, so it sees when written bytes actually leave.
                    try pipeline.addHandler(IdleStateHandler(writeTimeout: self.idleTimeout))
                    try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes,
                                                                                    informationalResponseStrategy: .drop,
                                                                                    limitConfiguration: limits),
                                                             maximumBufferSize: 1 << 20))
                    try pipeline.addHandler(HTTPResponseEncoder())
                    // One request at a time: pipelined requests wait (and reading pauses) until the answer is out.
                    try pipeline.addHandler(HTTPServerPipelineHandler())
                    try pipeline.addHandler(PreviewHandler(server: self))
                }
            }
        do {
            return Listening(channel: try await bootstrap.bind(host: "127.0.0.1", port: Int(port)).get())
        } catch let e as IOError {
            throw PortUnavailable(port: port, errno: e.errnoCode)
        }
    }
}
