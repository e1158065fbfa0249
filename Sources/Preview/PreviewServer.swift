// Serves output/ on 127.0.0.1 for `labbook watch --serve PORT`, with live reload of the open page.
//
// Pages on disk stay byte-identical to `labbook build`: the reload script is added only to the HTML as it is
// served. It polls /__labbook/build, a counter the watch loop bumps after each rebuild. GET and HEAD only;
// files are streamed (pages up to 16 MiB are read to add the script), never through a symbolic link.
//
// A client that sends nothing for 10 s is disconnected (IdleTimeoutPool). Limits FlyingFox 0.27.1 cannot give
// (docs/reliability.md): it parses the request line and headers itself, unbounded, and reads a request's body
// before any route sees it; a POST of several MiB pins a thread. The server listens on loopback only, so
// only local processes can send such requests.
import FlyingFox
import FlyingSocks
import Foundation
import LabbookCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class PreviewServer: Sendable {
    public let port: UInt16
    let root: URL
    /// Bumped after each rebuild; a class so the route closures can share it.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
    let generation = Counter()
    let server: HTTPServer

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

    static let reloadScript = """
    <script>(function(){var seen=null;function poll(){fetch("/__labbook/build",{cache:"no-store"}).then(function(r){return r.text()})\
    .then(function(t){if(seen!==null&&t!==seen){location.reload()}seen=t}).catch(function(){}).finally(function(){setTimeout(poll,500)})}poll()})();</script>
    """

    /// Pages larger than this are streamed as they are, without the reload script.
    static let maxInjectedPage = 16 << 20

    /// Checks that the port is free (binding it once, as the server will), so `watch` can say so before building.
    /// A connection that sends nothing for `idleTimeout` is closed.
    public init(root: URL, port: UInt16, idleTimeout: Duration = .seconds(10)) throws {
        self.port = port
        self.root = root
        try PreviewServer.checkPort(port)
        // No per-connection log: the terminal gets one line per rebuild, from the watch loop.
        let pool = IdleTimeoutPool(base: HTTPServer.defaultPool(), timeout: idleTimeout)
        server = HTTPServer(config: .init(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 15, pool: pool, logger: .disabled))
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

    public func run() async throws {
        let root = self.root
        let generation = self.generation
        for method in ["GET", "HEAD"] {
            await server.appendRoute(HTTPRoute("\(method) /__labbook/build")) { request in
                let body = Data("\(generation.value.load(ordering: .relaxed))".utf8)
                return PreviewServer.respond(request.method == .HEAD, .ok, type: "text/plain", body: .data(body))
            }
            await server.appendRoute(HTTPRoute("\(method) *")) { request in
                PreviewServer.serveFile(request.path, root: root, head: request.method == .HEAD)
            }
        }
        // Anything else (POST, PUT, …): refused without a body of our own.
        await server.appendRoute("*") { _ in
            HTTPResponse(statusCode: .methodNotAllowed, headers: HTTPHeaders([HTTPHeader("Allow"): "GET, HEAD", .connection: "close"]))
        }
        do {
            try await server.run()
        } catch let e as SocketError {
            throw PortUnavailable(port: port, errno: PreviewServer.code(of: e))
        }
    }

    static func code(of e: SocketError) -> Int32 {
        if case .failed(_, let code, _) = e { return code }
        return EADDRINUSE
    }

    enum Body { case data(Data), file(URL, Int) }

    /// A response whose headers are the same for GET and HEAD; HEAD sends them without the body.
    static func respond(_ head: Bool, _ status: HTTPStatusCode, type: String, body: Body) -> HTTPResponse {
        var headers = HTTPHeaders([.contentType: type, HTTPHeader("Cache-Control"): "no-store"])
        switch body {
        case .data(let data):
            if head { headers[.contentLength] = "\(data.count)"; return HTTPResponse(statusCode: status, headers: headers) }
            return HTTPResponse(statusCode: status, headers: headers, body: data)
        case .file(let url, let size):
            headers[.contentLength] = "\(size)"
            guard !head, let sequence = try? HTTPBodySequence(file: url, suggestedBufferSize: 1 << 16) else {
                return HTTPResponse(statusCode: status, headers: headers)
            }
            return HTTPResponse(statusCode: status, headers: headers, body: sequence)
        }
    }

    /// Maps a URL path to a file under `root`; refuses anything that would leave it or pass through a link.
    static func serveFile(_ urlPath: String, root: URL, head: Bool = false) -> HTTPResponse {
        var rel = urlPath.removingPercentEncoding ?? urlPath
        if rel.hasPrefix("/") { rel.removeFirst() }
        if rel.isEmpty || rel.hasSuffix("/") { rel += "index.html" }
        let parts = rel.split(separator: "/")
        guard !parts.contains(where: { $0 == ".." || $0.hasPrefix(".") }), SafeDirectory.isSafeRelativePath(rel) else {
            return HTTPResponse(statusCode: .forbidden)
        }
        let notFound = respond(head, .notFound, type: "text/plain", body: .data(Data("not found: /\(rel)\n".utf8)))
        let url = root.appendingPathComponent(rel)
        // Never through a symbolic link: output/x → /etc must not publish /etc on the port. The resolved path
        // must be the path asked for, under the resolved root.
        guard let realRoot = resolved(root.path), let real = resolved(url.path), real == realRoot + "/" + rel else { return notFound }
        var st = stat()
        guard stat(real, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return notFound }
        let type = mimeType(url.pathExtension)
        if type.hasPrefix("text/html"), Int(st.st_size) <= maxInjectedPage,
           let data = (try? SafeDirectory(root, create: false))?.read(rel), let html = String(data: data, encoding: .utf8) {
            return respond(head, .ok, type: type, body: .data(Data(html.replacingOccurrences(of: "</body>", with: reloadScript + "\n</body>").utf8)))
        }
        return respond(head, .ok, type: type, body: .file(URL(fileURLWithPath: real), Int(st.st_size)))
    }

    static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func mimeType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "ttf": "font/ttf"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}
