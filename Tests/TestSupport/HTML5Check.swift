// Pages parsed as HTML5 by a real HTML5 parser: html5lib (Debian's python3-html5lib), which implements the
// WHATWG parsing algorithm and reports its parse errors (unexpected end tags, unclosed elements at EOF,
// control characters, bad attributes), where a browser would silently repair the page.
import Foundation

public enum HTML5Check {
    /// Debian's Python, where apt installs python3-html5lib (a pyenv `python3` on PATH would not see it).
    static let python = "/usr/bin/python3"

    /// Reads each file named on the command line, parses it as a document (or with `--fragment` as the
    /// content of a <div>), and prints `name:LINE:COL: error-code {details}` for every parse error.
    static let script = #"""
import sys, html5lib
fragment = sys.argv[1] == "--fragment"
for path in sys.argv[2:]:
    data = open(path, "rb").read().decode("utf-8")
    p = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    p.parseFragment(data, container="div") if fragment else p.parse(data)
    for (pos, code, details) in p.errors:
        print("%s:%d:%d: %s %s" % (path.rsplit("/", 1)[-1], pos[0], pos[1], code, details))
"""#

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// One line per parse error over all `pages` (name, HTML); [] when every page parses cleanly.
    /// Throws when the parser cannot run, so that a missing package fails the test instead of passing it.
    public static func problems(_ pages: [(String, String)], fragment: Bool = false) throws -> [String] {
        guard !pages.isEmpty else { return [] }
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("labbook-html5-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        var paths: [String] = []
        for (i, (name, html)) in pages.enumerated() {
            // Names may hold "/" (fixture/page.html): keep the last part readable and the files distinct.
            let file = dir.appendingPathComponent("\(i)-" + name.replacingOccurrences(of: "/", with: "_"))
            try Data(html.utf8).write(to: file)
            paths.append(file.path)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, fragment ? "--fragment" : "--document"] + paths
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw Unavailable(description: "cannot run \(python): \(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Unavailable(description: "the HTML5 check failed (install python3-html5lib: scripts/install-deps): "
                              + String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
