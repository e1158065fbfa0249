// The reader's site end to end: numbered figures, references, citations, links, local files, sidebar, search
// (also in headless Chromium), localised chrome; broken ones reported at file:line by build and check.
import Foundation
import LabbookCore
import Testing
import TestSupport
@testable import LabbookKit

@Suite(.serialized) struct SiteTests {
    @Test func siteFixtureBuildsByteIdenticallyWithEverything() throws {
        let out1 = Fixture.tempDir("site-a"), out2 = Fixture.tempDir("site-b"), cache = Fixture.tempDir("site-cache")
        defer { for d in [out1, out2, cache] { try? FileManager.default.removeItem(at: d) } }
        let r1 = try Builder.build(Fixture.options("site", output: out1, cache: cache, jobs: 1))
        #expect(r1.exitCode == 0, "\(r1.diagnostics)")
        let r2 = try Builder.build(Fixture.options("site", output: out2, cache: nil, jobs: 3))
        #expect(r2.exitCode == 0)
        let a = Fixture.snapshot(out1), b = Fixture.snapshot(out2)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (k, v) in a where b[k] != v { Issue.record("\(k) differs between builds") }

        // The book's own files, at the same path relative to the page.
        #expect(a["img/dot.png"] == FileManager.default.contents(atPath: Fixture.book("site").appendingPathComponent("chapters/img/dot.png").path))
        #expect(a["files/points.csv"] != nil)
        #expect(a["data/01-basics/line-fit.csv"].map { String(decoding: $0, as: UTF8.self).hasPrefix("variant,kind,step,train_loss") } == true)
        #expect(a["assets/search-index.js"] != nil)

        let basics = Fixture.read(out1, "01-basics.html")
        #expect(basics.contains("<img src=\"img/dot.png\" alt=\"A single dot\" loading=\"lazy\" />"))
        #expect(basics.contains("<a href=\"02-deeper.html\">deeper</a>"))
        #expect(basics.contains("<a href=\"02-deeper.html#the-table\">its section</a>"))
        #expect(basics.contains("<span class=\"figure-number\">Figure\u{00A0}1.1: </span>A linear unit on XOR"))
        #expect(basics.contains("<a class=\"xref\" href=\"#line-fit\">Figure\u{00A0}1.1</a> shows the loss"))
        #expect(basics.contains("<a class=\"xref\" href=\"02-deeper.html#deep-fit\">Figure\u{00A0}2.1</a>"))
        #expect(basics.contains("<a class=\"xref\" href=\"02-deeper.html#tbl:sizes\">Table\u{00A0}2.1</a>"))
        #expect(basics.contains("<div class=\"equation\" id=\"eq:unit\">"))
        #expect(basics.contains("<a class=\"xref\" href=\"#eq:unit\">Equation\u{00A0}(1.1)</a>"))
        #expect(basics.contains("(<a class=\"citation\" href=\"#ref-glorot2010\">Glorot &amp; Bengio, 2010</a>)"))
        #expect(basics.contains("(<a class=\"citation\" href=\"#ref-he2015\">He et al., 2015</a>; <a class=\"citation\" href=\"#ref-glorot2010\">Glorot &amp; Bengio, 2010</a>)"))
        #expect(basics.contains("As <a class=\"citation\" href=\"#ref-he2015\">He et al. (2015)</a> show"))
        #expect(basics.contains("<li id=\"ref-goedel\">Gödel, K., Erdős, P. and François, J. (1931). Über formal unentscheidbare Sätze."))
        #expect(basics.contains("<a href=\"https://doi.org/10.48550/arXiv.1502.01852\">"))
        #expect(basics.contains("code stays as it is: @fig:nothing [@nothing]"))
        #expect(basics.contains("<h2 id=\"references\">References"))
        #expect(basics.contains("<p class=\"figure-data\">Data: <a href=\"data/01-basics/line-fit.json\" download>JSON</a> · <a href=\"data/01-basics/line-fit.csv\" download>CSV</a> · <a href=\"data/01-basics/line-fit-table-1.csv\" download>CSV (table 1)</a></p>"))
        let summary = a["data/01-basics/line-fit-table-1.csv"].map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(summary.hasPrefix("train loss,train acc.,epochs,best epoch,parameters\n"), "\(summary)")
        #expect(summary.split(separator: "\n").count == 2)
        // Sidebar: every chapter, the current one marked, with its sections.
        #expect(basics.contains("<li class=\"current\"><a href=\"01-basics.html\" aria-current=\"page\">Basics of initialisation</a>"))
        #expect(basics.contains("<li><a href=\"02-deeper.html\">深いネットワーク</a></li>"))
        #expect(basics.contains("<li><a href=\"#a-small-experiment\">A small experiment</a></li>"))
        #expect(basics.contains("<script defer src=\"assets/search-index.js\"></script>"))

        // A Japanese chapter: its own language, chrome and numbers; no space at a line break between CJK characters.
        let deeper = Fixture.read(out1, "02-deeper.html")
        #expect(deeper.contains("<html lang=\"ja\">"))
        #expect(deeper.contains("勾配は層を通るたびに小さくなる。"))
        #expect(deeper.contains("<caption id=\"tbl:sizes\"><span class=\"caption-number\">表 2.1　</span>Network sizes</caption>"))
        #expect(deeper.contains("<span class=\"figure-number\">図 2.1　</span>"))
        #expect(deeper.contains("<summary>このページの内容</summary>"))
        #expect(deeper.contains("<span class=\"label\">前へ</span>"))
        #expect(deeper.contains("<a class=\"xref\" href=\"01-basics.html#line-fit\">図 1.1</a>"))
        #expect(deeper.contains("<a href=\"01-basics.html#a-small-experiment\">the start</a>"))

        let pages = a.filter { $0.key.hasSuffix(".html") }.sorted { $0.key < $1.key }.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }
        for (name, html) in pages { #expect(MarkupCheck.svgProblems(html) == [], "\(name)") }
        #expect(try HTML5Check.problems(pages) == [])
        // `check` agrees: nothing is broken, and the output is current.
        let check = try Checker.check(book: Fixture.book("site"), output: out1)
        #expect(check.diagnostics.map(\.description) == [])
        #expect(check.stale == [])
    }

    static let brokenExpected = [
        "chapters/01-a.md:3:22: error: citation '@glorrot2010': no such key in the bibliography; did you mean 'glorot2010'?",
        "chapters/01-a.md:3:58: error: reference '@fig:sweeep': no figure (experiment block) 'sweeep' in this chapter; did you mean 'sweep'?",
        "chapters/01-a.md:4:", "the file 'chapters/img/missing.png' does not exist",
        "link to '02-bb.md': no such chapter; did you mean '02-b'?",
        "link to '02-b.md#nowhere': 02-b has no heading or figure 'nowhere'",
        "link to '#nowhere-here': no such heading or figure in this chapter",
        "'../book.yml' points outside the chapters directory",
        "reference '@tbl:none': no table labelled {#tbl:…} 'none' in this chapter",
        "references.bib:8:12: error: malformed BibTeX entry: the value of 'author' is never closed",
    ]

    @Test func brokenReferencesAreFileLineErrorsInBuildAndCheck() throws {
        let out = Fixture.tempDir("site-broken")
        defer { try? FileManager.default.removeItem(at: out) }
        let report = try Builder.build(Fixture.options("site-broken", output: out))
        #expect(report.exitCode == 1)
        #expect(report.failed == 0, "the blocks still run")
        let built = report.diagnostics.map(\.description).joined(separator: "\n")
        let check = try Checker.check(book: Fixture.book("site-broken"), output: out).diagnostics.map(\.description).joined(separator: "\n")
        for piece in Self.brokenExpected {
            #expect(built.contains(piece), "build: \(piece)\n\(built)")
            #expect(check.contains(piece), "check: \(piece)\n\(check)")
        }
        // The rest of the book builds: the pages are there, the good reference resolved.
        let b = Fixture.read(out, "02-b.html")
        #expect(b.contains("<a class=\"xref\" href=\"01-a.html#sweep\">Figure\u{00A0}1.1</a>"))
        let a = Fixture.read(out, "01-a.html")
        #expect(a.contains("The rest still renders."))
        #expect(a.contains("<span class=\"xref-error\">@fig:sweeep</span>"))
    }

    /// A linked file that is a symlink out of the book is an error naming it, and is never copied.
    @Test func aSymlinkOutOfTheBookIsNotCopied() throws {
        let book = Fixture.tempDir("site-link"), out = Fixture.tempDir("site-link-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        let fm = FileManager.default
        try fm.createDirectory(at: book.appendingPathComponent("chapters/img"), withIntermediateDirectories: true)
        try "# One\n\n![secret](img/secret.txt)\n".write(to: book.appendingPathComponent("chapters/01-one.md"), atomically: true, encoding: .utf8)
        let outside = Fixture.tempDir("site-outside").appendingPathComponent("secret.txt")
        defer { try? fm.removeItem(at: outside.deletingLastPathComponent()) }
        try "not for the site".write(to: outside, atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(at: book.appendingPathComponent("chapters/img/secret.txt"), withDestinationURL: outside)
        let report = try Builder.build(BuildOptions(book: book, output: out, useCache: false))
        #expect(report.diagnostics.contains { $0.location.file == "chapters/01-one.md" && $0.message.contains("'chapters/img/secret.txt' resolves outside the book") })
        #expect(!fm.fileExists(atPath: out.appendingPathComponent("img/secret.txt").path))
        #expect(fm.fileExists(atPath: out.appendingPathComponent("01-one.html").path))
    }

    /// A linked FIFO (or device) inside the book is refused, not read: reading it would block the build.
    @Test func aLinkedFIFOIsRefusedWithoutBlocking() throws {
        let book = Fixture.tempDir("site-fifo"), out = Fixture.tempDir("site-fifo-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        try FileManager.default.createDirectory(at: book.appendingPathComponent("chapters/files"), withIntermediateDirectories: true)
        try "# One\n\n[pipe](files/pipe)\n".write(to: book.appendingPathComponent("chapters/01-one.md"), atomically: true, encoding: .utf8)
        #expect(mkfifo(book.appendingPathComponent("chapters/files/pipe").path, 0o644) == 0)
        let report = try Builder.build(BuildOptions(book: book, output: out, useCache: false))
        #expect(report.diagnostics.map(\.description) == ["chapters/01-one.md:3:8: error: 'chapters/files/pipe' is not a regular file; it is not copied"])
        let check = try Checker.check(book: book, output: out)
        #expect(check.diagnostics.map(\.message) == ["'chapters/files/pipe' is not a regular file; it is not copied"])
    }

    // MARK: - Search in a real browser

    static var chromium: String? {
        let env = ProcessInfo.processInfo.environment["LABBOOK_CHROMIUM"]
        return ([env].compactMap { $0 } + ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func searchFindsEnglishAndJapaneseInHeadlessChromium() throws {
        guard let chromium = Self.chromium else {
            print("skipped: Chromium is not installed (scripts/install-deps --with-chromium installs it)")
            return
        }
        let out = Fixture.tempDir("site-search")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try Builder.build(Fixture.options("site", output: out))
        let page = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>search test</title>
            <script src="assets/search-index.js"></script><script src="assets/labbook.js"></script></head>
            <body><pre id="out"></pre><script>
            var r = {};
            ["vanishing", "勾配", "ネットワーク", "initialisation", "initialis", "rectifiers scale"].forEach(function (q) {
              r[q] = window.labbookSearch(q).map(function (x) { return x.href + "|" + x.snippet; });
            });
            document.getElementById("out").textContent = "RESULT" + JSON.stringify(r) + "END";
            </script></body></html>
            """
        try page.write(to: out.appendingPathComponent("search-test.html"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", out.appendingPathComponent("search-test.html").absoluteString]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let dom = String(decoding: data, as: UTF8.self)
        guard let s = dom.range(of: "RESULT"), let e = dom.range(of: "END", range: s.upperBound..<dom.endIndex) else {
            print("skipped: Chromium could not start or run the page (exit \(p.terminationStatus))")
            return
        }
        let json = ChapterRendererEntities.decode(String(dom[s.upperBound..<e.lowerBound]))
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String]])
        func pages(_ q: String) -> [String] { (results[q] ?? []).map { String($0.prefix { $0 != "#" && $0 != "|" }) } }
        #expect(pages("vanishing") == ["02-deeper.html"])
        #expect(pages("勾配") == ["02-deeper.html"])
        #expect(pages("ネットワーク") == ["02-deeper.html"])
        #expect(Set(pages("initialisation")) == ["01-basics.html"])
        #expect(Set(pages("initialis")) == ["01-basics.html"], "the last word also matches as a prefix")
        #expect(pages("rectifiers scale") == ["01-basics.html"])
        #expect(results["勾配"]?.first?.contains("<mark>勾配</mark>") == true, "\(results["勾配"] ?? [])")
        #expect(results["vanishing"]?.first?.contains("<mark>vanishing</mark>") == true)
    }
}

/// The DOM dump escapes text; these are the entities it uses.
enum ChapterRendererEntities {
    static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
}

@Suite struct NewBookTests {
    @Test func initWritesABookThatBuildsAndRefusesToOverwrite() throws {
        let dir = Fixture.tempDir("init"), out = Fixture.tempDir("init-out")
        defer { for d in [dir, out] { try? FileManager.default.removeItem(at: d) } }
        let book = dir.appendingPathComponent("mybook")
        let written = try NewBook.create(at: book)
        #expect(written.contains("book.yml") && written.contains("chapters/01-xor.md"))
        let report = try Builder.build(BuildOptions(book: book, output: out, useCache: false))
        #expect(report.exitCode == 0, "\(report.diagnostics)")
        let page = Fixture.read(out, "01-xor.html")
        #expect(page.contains("<a class=\"xref\" href=\"#xor\">Figure\u{00A0}1.1</a>"))
        #expect(page.contains("href=\"#ref-glorot2010\""))
        #expect(throws: UsageError.self) { try NewBook.create(at: book) }
        #expect(LabbookVersion.description.hasPrefix("labbook \(LabbookVersion.number) (engine "))
    }
}
