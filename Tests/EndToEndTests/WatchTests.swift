// `labbook watch`: a change to a chapter triggers a rebuild within a bounded wait; the preview server is sandboxed.
import Foundation
import Synchronization
import Testing
@testable import LabbookKit
@testable import Preview

@Suite(.serialized) struct WatchTests {
    @Test func editingAChapterTriggersOneRebuild() async throws {
        let book = try copyOfFixture("broken")
        defer { try? FileManager.default.removeItem(at: book.deletingLastPathComponent()) }
        let builds = Mutex<[String]>([])
        let session = WatchSession(options: BuildOptions(book: book, jobs: 1)) { report in
            builds.withLock { $0.append(report.summaryLine) }
        }
        try session.buildNow()
        let watcher = BookWatcher(book: book, interval: 0.05, debounce: 0.1)
        watcher.start { session.rebuild() }
        defer { watcher.stop() }
        try await Task.sleep(for: .milliseconds(200))
        try edit(book.appendingPathComponent("chapters/01-good.md"), replacing: "# Good chapter", with: "# Good chapter, edited")
        var waited = 0
        while builds.withLock({ $0.count }) < 2, waited < 200 {   // at most 20 s
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(builds.withLock { $0.count } == 2)
        let page = try String(contentsOf: book.appendingPathComponent("output/01-good.html"), encoding: .utf8)
        #expect(page.contains("Good chapter, edited"))
    }

    @Test func previewServerStaysInsideTheSiteAndAddsReload() throws {
        let root = Fixture.tempDir("serve")
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("<html><body>hi</body></html>".utf8).write(to: root.appendingPathComponent("index.html"))
        let ok = PreviewServer.serveFile("/", root: root)
        #expect(ok.statusCode == .ok)
        #expect(String(decoding: ok.bodyData, as: UTF8.self).contains("/__labbook/build"))
        #expect(PreviewServer.serveFile("/../etc/passwd", root: root).statusCode == .forbidden)
        #expect(PreviewServer.serveFile("/.labbook-manifest", root: root).statusCode == .forbidden)
        #expect(PreviewServer.serveFile("/missing.html", root: root).statusCode == .notFound)
    }
}
