// What the preview answers for a path: a file of output/ (opened without following any link), a page with the
// reload script added, the rebuild counter, or 403/404 — decided before a byte of the answer is written.
import Foundation
import LabbookCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// A descriptor the reply owns until the handler takes it to stream; closed on deinit if nobody did.
final class OpenFile {
    private(set) var fd: Int32
    let size: Int

    init(fd: Int32, size: Int) {
        self.fd = fd
        self.size = size
    }

    /// Hands the descriptor over; the caller closes it from now on.
    func take() -> Int32 {
        let f = fd
        fd = -1
        return f
    }

    deinit { if fd >= 0 { close(fd) } }
}

/// One answer: status, headers (the same for GET and HEAD) and a body that is bytes or an open file.
struct Reply {
    enum Body {
        case bytes([UInt8])
        case file(OpenFile)
    }

    var statusCode: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: Body

    init(_ status: HTTPResponseStatus, type: String = "text/plain; charset=utf-8", _ body: Body, extra: [(String, String)] = []) {
        statusCode = status
        var h = HTTPHeaders([("Content-Type", type), ("Cache-Control", "no-store")])
        switch body {
        case .bytes(let b): h.add(name: "Content-Length", value: "\(b.count)")
        case .file(let f): h.add(name: "Content-Length", value: "\(f.size)")
        }
        for (k, v) in extra { h.add(name: k, value: v) }
        headers = h
        self.body = body
    }

    static func text(_ status: HTTPResponseStatus, _ text: String, extra: [(String, String)] = []) -> Reply {
        Reply(status, .bytes(Array(text.utf8)), extra: extra)
    }

    /// The body as bytes (a file is read; for tests).
    var bodyData: Data {
        switch body {
        case .bytes(let b): Data(b)
        case .file(let f): SafeDirectory.readAll(f.fd) ?? Data()
        }
    }
}

extension PreviewServer {
    /// Polls the build counter and reloads the page when a rebuild finished.
    static let reloadScript = Markup.build { w in
        w.element("script") { w in
            w.raw("""
            (function(){var seen=null;function poll(){fetch("/__labbook/build",{cache:"no-store"}).then(function(r){return r.text()})\
            .then(function(t){if(seen!==null&&t!==seen){location.reload()}seen=t}).catch(function(){}).finally(function(){setTimeout(poll,500)})}poll()})();
            """, from: .labbookScript)
        }
    }.string

    /// Pages larger than this are streamed as they are, without the reload script.
    static let maxInjectedPage = 16 << 20

    /// The answer for a request's target (`/a/b.html?x`): the counter, or a file under `root`. Anything that
    /// would leave the root, name a dot-file or pass through a symbolic link is refused.
    static func reply(for target: String, root: URL, generation: Int) -> Reply {
        let path = String(target.prefix { $0 != "?" && $0 != "#" })
        if path == "/__labbook/build" { return .text(.ok, "\(generation)") }
        return serveFile(path, root: root)
    }

    /// Maps a URL path to a file under `root`; refuses anything that would leave it or pass through a link.
    static func serveFile(_ urlPath: String, root: URL) -> Reply {
        var rel = urlPath.removingPercentEncoding ?? urlPath
        if rel.hasPrefix("/") { rel.removeFirst() }
        if rel.isEmpty || rel.hasSuffix("/") { rel += "index.html" }
        let parts = rel.split(separator: "/")
        guard !parts.contains(where: { $0 == ".." || $0.hasPrefix(".") }), SafeDirectory.isSafeRelativePath(rel) else {
            return .text(.forbidden, "")
        }
        let notFound = Reply.text(.notFound, "not found: /\(rel)\n")
        // Never through a symbolic link: output/x → /etc must not publish /etc on the port. The resolved path
        // must be the path asked for, under the resolved root; and the file is then opened one component at a
        // time with O_NOFOLLOW, so a link swapped in after that check is refused too.
        guard let realRoot = resolved(root.path), let real = resolved(root.appendingPathComponent(rel).path),
              real == realRoot + "/" + rel,
              let dir = try? SafeDirectory(URL(fileURLWithPath: realRoot), create: false),
              let (fd, size) = dir.openRegularFile(rel) else { return notFound }
        let file = OpenFile(fd: fd, size: size)
        let type = mimeType((rel as NSString).pathExtension)
        if type.hasPrefix("text/html"), size <= maxInjectedPage,
           let data = SafeDirectory.readAll(file.fd), let html = String(data: data, encoding: .utf8) {
            return Reply(.ok, type: type, .bytes(Array(html.replacingOccurrences(of: "</body>", with: reloadScript + "\n</body>").utf8)))
        }
        return Reply(.ok, type: type, .file(file))
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
