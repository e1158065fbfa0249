// Serves output/ on 127.0.0.1 for `labbook watch --serve PORT`, with live reload of the open page.
//
// Pages on disk stay byte-identical to `labbook build`: the reload script is added only to the HTML as it is
// served. It polls /__labbook/build, a counter the watch loop bumps after each rebuild.
import FlyingFox
import Foundation
import LabbookCore
import Synchronization

public final class PreviewServer: Sendable {
    public let port: UInt16
    let root: URL
    /// Bumped after each rebuild; a class so the route closures can share it.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
    let generation = Counter()
    let server: HTTPServer

    static let reloadScript = """
    <script>(function(){var seen=null;function poll(){fetch("/__labbook/build",{cache:"no-store"}).then(function(r){return r.text()})\
    .then(function(t){if(seen!==null&&t!==seen){location.reload()}seen=t}).catch(function(){}).finally(function(){setTimeout(poll,500)})}poll()})();</script>
    """

    public init(root: URL, port: UInt16) throws {
        self.port = port
        self.root = root
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port))
    }

    /// Tells open pages to reload.
    public func rebuilt() { generation.value.add(1, ordering: .relaxed) }

    public func run() async throws {
        let root = self.root
        let generation = self.generation
        await server.appendRoute("GET /__labbook/build") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain", HTTPHeader("Cache-Control"): "no-store"],
                         body: Data("\(generation.value.load(ordering: .relaxed))".utf8))
        }
        await server.appendRoute("GET *") { request in
            PreviewServer.serveFile(request.path, root: root)
        }
        try await server.run()
    }

    /// Maps a URL path to a file under `root`; refuses anything that would leave it.
    static func serveFile(_ urlPath: String, root: URL) -> HTTPResponse {
        var rel = urlPath.removingPercentEncoding ?? urlPath
        if rel.hasPrefix("/") { rel.removeFirst() }
        if rel.isEmpty || rel.hasSuffix("/") { rel += "index.html" }
        let parts = rel.split(separator: "/")
        guard !parts.contains(where: { $0 == ".." || $0.hasPrefix(".") }) else {
            return HTTPResponse(statusCode: .forbidden)
        }
        let url = root.appendingPathComponent(rel)
        // Never through a symbolic link: output/x → /etc must not publish /etc on the port.
        guard var data = (try? SafeDirectory(root, create: false))?.read(rel) else {
            return HTTPResponse(statusCode: .notFound, body: Data("not found: /\(rel)\n".utf8))
        }
        let type = mimeType(url.pathExtension)
        if type.hasPrefix("text/html"), let html = String(data: data, encoding: .utf8) {
            data = Data(html.replacingOccurrences(of: "</body>", with: reloadScript + "\n</body>").utf8)
        }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: type, HTTPHeader("Cache-Control"): "no-store"], body: data)
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
