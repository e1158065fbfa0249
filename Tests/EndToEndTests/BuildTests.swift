// End to end: fixture books built into temporary directories, compared byte for byte, failures contained.
import Foundation
import LabbookCore
import Testing
import TestSupport
@testable import LabbookKit

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func book(_ name: String) -> URL { root.appendingPathComponent(name) }

    static func tempDir(_ label: String) -> URL { TestFiles.temporaryDirectory("e2e", label) }

    /// Every file under `dir` (relative path → bytes).
    static func snapshot(_ dir: URL) -> [String: Data] { TestFiles.snapshot(dir) }

    /// Options that keep everything (output and cache) out of the source tree.
    static func options(_ name: String, output: URL, cache: URL? = nil, jobs: Int = 2) -> BuildOptions {
        BuildOptions(book: book(name), output: output, cache: cache, useCache: cache != nil, jobs: jobs)
    }

    static func read(_ dir: URL, _ rel: String) -> String { TestFiles.read(dir, rel) }
}

@Suite(.serialized) struct EndToEndTests {
    /// A fresh clone of a book with its committed site has no run cache: the no-change build draws the pages from
    /// output/data, and no block's line may claim a cache hit.
    @Test func anUnchangedBookIsDrawnFromItsDataAndClaimsNoCacheHit() throws {
        let out = Fixture.tempDir("unchanged"), cache = Fixture.tempDir("unchanged-cache")
        defer { for d in [out, cache] { try? FileManager.default.removeItem(at: d) } }
        let first = try Builder.build(Fixture.options("tiny", output: out, cache: cache, jobs: 2))
        #expect(first.exitCode == 0, "\(first.diagnostics)")
        try FileManager.default.removeItem(at: cache)
        let again = try Builder.build(Fixture.options("tiny", output: out, cache: cache, jobs: 2))
        #expect(again.summaryLine == "4 blocks: 0 run, 4 cached, 0 failed")
        #expect(Set(again.blocks.filter { $0.line.hasSuffix(": up to date (drawn from output/data)") }.map(\.id)) == ["xor", "deep-sigmoid", "rnn"])
        #expect(!again.blocks.contains { $0.line.hasSuffix(": cached") }, "\(again.blocks.map(\.line))")
        #expect(!FileManager.default.fileExists(atPath: cache.path), "the no-change build wrote a run cache")
    }

    @Test func tinyBookBuildsAndIsByteIdenticalAcrossRunsAndJobs() throws {
        let out1 = Fixture.tempDir("a"), out2 = Fixture.tempDir("b"), out3 = Fixture.tempDir("b3"), cache = Fixture.tempDir("cache")
        defer { for d in [out1, out2, out3, cache] { try? FileManager.default.removeItem(at: d) } }
        // Cold with one job, warm (from the cache) with three, and without any cache with two.
        let r1 = try Builder.build(Fixture.options("tiny", output: out1, cache: cache, jobs: 1))
        #expect(r1.exitCode == 0, "diagnostics: \(r1.diagnostics)")
        #expect(r1.summaryLine == "4 blocks: 3 run, 1 cached, 0 failed")   // the function plot trains nothing
        let r2 = try Builder.build(Fixture.options("tiny", output: out2, cache: cache, jobs: 3))
        #expect(r2.summaryLine == "4 blocks: 0 run, 4 cached, 0 failed")
        // Counted with the cached ones, but its own line does not claim a cache hit: it had nothing to train.
        for r in [r1, r2] { #expect(r.blocks.first { $0.id == "shapes" }?.line == "chapters/01-xor.md:42 shapes: nothing to train") }
        #expect(Set(r2.blocks.filter { $0.line.hasSuffix(": cached") }.map(\.id)) == ["xor", "deep-sigmoid", "rnn"])
        let r3 = try Builder.build(Fixture.options("tiny", output: out3, cache: nil, jobs: 2))
        #expect(r3.exitCode == 0)
        let a = Fixture.snapshot(out1)
        for other in [out2, out3] {
            let b = Fixture.snapshot(other)
            #expect(a.keys.sorted() == b.keys.sorted())
            for (k, v) in a where b[k] != v { Issue.record("\(k) differs between builds") }
        }

        // What a reader gets.
        #expect(a["index.html"] != nil && a["01-xor.html"] != nil && a["02-depth.html"] != nil)
        #expect(a["data/01-xor/xor.json"] != nil && a["data/02-depth/deep-sigmoid.json"] != nil)
        #expect(a["assets/katex/katex.min.js"] != nil && a["assets/katex/contrib/auto-render.js"] != nil)
        #expect(a.keys.contains { $0.hasPrefix("assets/katex/fonts/") && $0.hasSuffix(".woff2") })
        let index = Fixture.read(out1, "index.html")
        #expect(index.contains("A Tiny &lt;Test&gt; Book"))
        #expect(!index.contains("<Test>"))
        #expect(index.contains("href=\"01-xor.html\""))
        let xor = Fixture.read(out1, "01-xor.html")
        #expect(xor.contains("<figure class=\"experiment\" id=\"xor\">"))
        #expect(xor.contains("<title>XOR &amp; friends · A Tiny &lt;Test&gt; Book</title>"))
        #expect(xor.contains("<span class=\"math inline\">\\(a*b\\)</span> and <span class=\"math inline\">\\(c*d\\)</span>"))
        #expect(xor.contains("rel=\"next\" href=\"02-depth.html\""))
        #expect(xor.contains("<svg"))
        #expect(xor.components(separatedBy: "<td>yes</td>").count == 3, "gradient check passes on both layers")
        // Inline results carry the numbers of the runs, the same that the JSON holds.
        #expect(xor.contains("The network reaches <span class=\"result\">100.00 %</span> on the four points after <span class=\"result\">300</span> epochs"))
        #expect(xor.contains("the sigmoid&#39;s first layer gets <span class=\"result\">") || xor.contains("the sigmoid’s first layer gets <span class=\"result\">"))
        #expect(!xor.contains("result-error"))
        #expect(xor.range(of: "</h1>")?.lowerBound ?? xor.endIndex < xor.range(of: "On this page")?.lowerBound ?? xor.startIndex)
        #expect(!xor.contains("/tmp/") && !xor.contains(Fixture.root.path))
        // A one-key sweep's summary names its first column after the key.
        let depth = Fixture.read(out1, "02-depth.html")
        #expect(depth.contains("<tr><th>activation</th><th class=\"num\">train loss</th>"))
        #expect(depth.contains("<tr><td>relu</td>"))
    }

    @Test func rebuildingIntoTheSameDirectoryWritesNothing() throws {
        let out = Fixture.tempDir("c")
        defer { try? FileManager.default.removeItem(at: out) }
        let cache = Fixture.tempDir("c-cache")
        defer { try? FileManager.default.removeItem(at: cache) }
        _ = try Builder.build(Fixture.options("tiny", output: out, cache: cache))
        let second = try Builder.build(Fixture.options("tiny", output: out, cache: cache))
        #expect(second.site?.written == [])
        #expect(second.ran == 0)
        let check = try Checker.check(book: Fixture.book("tiny"), output: out)
        #expect(check.stale == [])
        #expect(check.exitCode == 0)
    }

    @Test func failingBlocksBecomeErrorBoxesAndTheRestBuilds() throws {
        let out = Fixture.tempDir("d")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try Builder.build(Fixture.options("broken", output: out))
        #expect(r.exitCode == 1)
        #expect(r.summaryLine == "3 blocks: 1 run, 0 cached, 2 failed")
        let bad = Fixture.read(out, "02-bad.html")
        #expect(bad.contains("<div class=\"experiment-error\""))
        #expect(bad.contains("chapters/02-bad.md:8:"))
        #expect(bad.contains("unknown activation &#39;sigmoidd&#39;; did you mean &#39;sigmoid&#39;?"))
        #expect(bad.contains("chapters/02-bad.md:13"))
        #expect(bad.contains("Prose after the failures still renders."))
        #expect(!bad.contains(Fixture.root.path), "no absolute paths in pages")
        #expect(bad.contains("does/not/exist"))
        let good = Fixture.read(out, "01-good.html")
        #expect(good.contains("<figure class=\"experiment\" id=\"fine\">"))
        #expect(!good.contains("experiment-error"))   // the block ran; only the page's references are wrong
        #expect(good.contains("train acc."))
        #expect(good.contains("<span class=\"result-error\""))
        let reference = r.diagnostics.first { $0.message.contains("train-acuracy") }
        #expect(reference?.description == "chapters/01-good.md:12:18: error: inline result '{=fine.train-acuracy}': unknown quantity 'train-acuracy'; did you mean 'train-accuracy'?")
        #expect(r.diagnostics.contains { $0.message == "inline result '{=fine[x].epochs}': block 'fine' has no variant 'x'" })
        let typo = r.diagnostics.first { $0.message.contains("sigmoidd") }
        #expect(typo?.description.hasPrefix("chapters/02-bad.md:8:") == true)
        #expect(typo?.hint == "did you mean 'sigmoid'?")
    }

    @Test func aFailedBuildIsNeverShortCircuited() throws {
        let out = Fixture.tempDir("f"), cache = Fixture.tempDir("f-cache")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: cache) }
        _ = try Builder.build(Fixture.options("broken", output: out, cache: cache))
        // A temporary file left by a build killed mid-write is swept away by the next one.
        let stale = out.appendingPathComponent(".01-good.html.4242.1234567.tmp")
        try Data("half a page".utf8).write(to: stale)
        let again = try Builder.build(Fixture.options("broken", output: out, cache: cache))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(again.exitCode == 1)
        #expect(again.failed == 2)
        #expect(!again.diagnostics.isEmpty)
    }

    @Test func missingBookIsAUsageError() {
        #expect(throws: UsageError.self) {
            try Builder.build(BuildOptions(book: URL(fileURLWithPath: "/nonexistent/book")))
        }
    }

    @Test func cleanRemovesOnlyWhatLabbookWrote() throws {
        let out = Fixture.tempDir("e")
        defer { try? FileManager.default.removeItem(at: out) }
        try Data("mine".utf8).write(to: out.appendingPathComponent("keep.txt"))
        _ = try Builder.build(Fixture.options("broken", output: out, jobs: 1))
        let state = StateDirectory.url(book: Fixture.book("broken"), output: out)
        defer { try? FileManager.default.removeItem(at: state) }
        let removed = try Cleaner.clean(book: Fixture.book("broken"), output: out)
        #expect(removed.files > 5)
        #expect(Fixture.snapshot(out).keys.sorted() == ["keep.txt"])
        #expect(Fixture.snapshot(state).keys.sorted() == [StateDirectory.lockName], "the state goes, the lock file stays")
    }
}
