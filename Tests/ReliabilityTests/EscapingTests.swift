// Nothing an author writes becomes markup: titles, ids, YAML strings, labels, file names all reach HTML and SVG escaped.
import Foundation
import Testing
@testable import LabbookKit
import Site

@Suite struct EscapingTests {
    static let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"

    /// Every place an author string can reach a page, each carrying the payload.
    static func hostileBook() throws -> URL {
        let p = payload.replacingOccurrences(of: "\"", with: "\\\"")
        return try Fixtures.book("hostile", [
            "book.yml": "title: \"Book \(p)\"\nauthor: \"Author \(p)\"\ndescription: \"About \(p)\"\n",
            "chapters/02-x\"'<b>&.md": "# Hostile name\n",
            "chapters/01-a.md": """
            ---
            title: "Chapter \(p)"
            ---

            # Heading \(payload)

            Prose with `code \(payload)` and $math \\text{\(payload)}$.

            ```experiment
            id: fine
            title: "Block \(p)"
            data: {source: xor}
            model: {hidden: [4]}
            train: {epochs: 1, batch: 4}
            sweep:
              optimizer.lr: [0.1, 0.2]
            show: [summary, {curve: {of: loss}}]
            echo: true
            ```

            ```experiment
            id: bad
            title: "Bad \(p)"
            data: {source: xor}
            model: {hidden: [4], activation: "\(p)"}
            sweep:
              model.init: ["\(p)", normal]
            ```

            """,
        ])
    }

    @Test func hostileStringsReachPagesOnlyEscaped() throws {
        let book = try Self.hostileBook()
        let out = Fixtures.tempDir("hostile-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        var options = Fixtures.options(book, output: out)
        options.rawHTML = false
        let report = try Builder.build(options)
        #expect(report.exitCode == 1, "the bad block fails")
        let files = Fixtures.snapshot(out)
        let pages = files.filter { $0.key.hasSuffix(".html") }
        #expect(pages.count == 2)
        for (path, data) in pages {
            let html = String(decoding: data, as: UTF8.self)
            #expect(!html.contains("<script>alert"), "\(path) lets a script through")
            #expect(!html.contains("<img src=x"), "\(path) lets an element through")
        }
        let chapter = String(decoding: pages.first { $0.key != "index.html" }?.value ?? Data(), as: UTF8.self)
        #expect(chapter.contains("Block &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(chapter.contains("<svg"), "the chart of the good block is drawn")
        let index = String(decoding: pages["index.html"] ?? Data(), as: UTF8.self)
        #expect(index.contains("Book &lt;script&gt;"))
        #expect(index.contains("Author &lt;script&gt;") && index.contains("About &lt;script&gt;"))
        // A file name that could break out of an href is refused, and its chapter left out.
        #expect(report.diagnostics.map(\.description).contains(
            "chapters/02-x\"'<b>&.md:1:1: error: the chapter's file name may use only letters, digits, '-', '_' and '.'; the chapter was left out; rename it, e.g. '01-introduction.md': the name becomes the page's URL"))
        #expect(!index.contains("02-x"))
        // Every output path stays inside output/.
        for path in files.keys { #expect(SiteWriter.isSafeRelativePath(path), "\(path)") }
    }

    @Test func rawHTMLInMarkdownFollowsCommonMarkUnlessStripped() throws {
        let book = try Fixtures.book("raw", ["chapters/01.md": "# Raw\n\n<div class=\"mine\">kept</div>\n\n<script>alert(3)</script>\n"])
        let out = Fixtures.tempDir("raw-on"), stripped = Fixtures.tempDir("raw-off")
        defer { for d in [book, out, stripped] { try? FileManager.default.removeItem(at: d) } }
        _ = try Builder.build(Fixtures.options(book, output: out))
        #expect(Fixtures.read(out, "01.html").contains("<div class=\"mine\">kept</div>"), "CommonMark passes raw HTML through")
        var options = Fixtures.options(book, output: stripped)
        options.rawHTML = false
        _ = try Builder.build(options)
        let page = Fixtures.read(stripped, "01.html")
        #expect(!page.contains("<div class=\"mine\">") && !page.contains("alert(3)</script>"))
    }

    @Test func outputPathsCannotLeaveTheOutputDirectory() {
        for bad in ["../x.html", "a/../../x", "/etc/passwd", "data/../../x.json", "", "a//b", "./a", "a\\..\\b"] {
            #expect(!SiteWriter.isSafeRelativePath(bad), "\(bad)")
        }
        #expect(SiteWriter.isSafeRelativePath("data/01-intro/xor.json"))
    }
}
