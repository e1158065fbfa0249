// The shipped book: every block valid, every inline result resolvable, and the committed output/ current.
// CI does not retrain the book; this is `labbook check` on the repository's own chapters.
import Foundation
import Testing
import TestSupport
@testable import LabbookKit

@Suite struct ShippedBookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func committedOutputIsUpToDate() throws {
        let report = try Checker.check(book: Self.root)
        #expect(report.diagnostics.map(\.description) == [])
        #expect(report.stale == [], "run `swift run -c release labbook build` and commit output/")
        #expect(report.blockCount == 20)
    }

    /// The block ids the issue names (the site's anchors and JSON paths depend on them) are all there.
    @Test func theNamedBlocksAreOnTheirPages() throws {
        let out = Self.root.appendingPathComponent("output")
        let named = [
            "01-vanishing-gradients": ["sigmoid-normal", "sigmoid-uniform", "relu-he"],
            "02-activation-functions": ["activation-shapes", "gradients-at-init", "activation-sweep", "activations-after-training",
                                        "dead-relu-init", "dead-relu-trained", "dead-relu-deep", "dead-swish-deep"],
            "03-sigmoid-vs-relu": ["gradient-flow"],
            "04-backprop-is-leaky": ["saturation", "dying-relu", "rnn-gradients", "clipping-vs-huber"],
            "05-mlp-from-scratch": ["xor", "fashion-online", "gradient-check"],
        ]
        for (page, ids) in named {
            let html = try String(contentsOf: out.appendingPathComponent("\(page).html"), encoding: .utf8)
            for id in ids {
                #expect(html.contains("<figure class=\"experiment\" id=\"\(id)\">"), "\(page)#\(id)")
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("data/\(page)/\(id).json").path), "\(page)/\(id).json")
            }
        }
    }

    @Test func everyPageIsThereAndHasNoUnresolvedResult() throws {
        let out = Self.root.appendingPathComponent("output")
        for page in ["index", "01-vanishing-gradients", "02-activation-functions", "03-sigmoid-vs-relu",
                     "04-backprop-is-leaky", "05-mlp-from-scratch"] {
            let html = try String(contentsOf: out.appendingPathComponent("\(page).html"), encoding: .utf8)
            #expect(!html.contains("result-error"), "\(page)")
            #expect(!html.contains("experiment-error"), "\(page)")
            #expect(!html.contains("{{TODO"), "\(page)")
        }
    }
}

/// Every page of the committed site and of the fixture books: SVG islands parse as XML, pages as HTML5.
@Suite struct WellFormedPagesTests {
    static func pages(under dir: URL) -> [(String, String)] {
        TestFiles.snapshot(dir).filter { $0.key.hasSuffix(".html") }.sorted { $0.key < $1.key }
            .map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }
    }

    @Test func shippedPagesAreWellFormed() throws {
        let pages = Self.pages(under: ShippedBookTests.root.appendingPathComponent("output"))
        #expect(pages.count >= 6)
        for (name, html) in pages {
            #expect(MarkupCheck.svgProblems(html) == [], "output/\(name)")
        }
        #expect(try HTML5Check.problems(pages) == [])
    }

    @Test func fixturePagesAreWellFormed() throws {
        var all: [(String, String)] = []
        for name in ["tiny", "broken", "site", "site-broken"] {
            let out = Fixture.tempDir("wf-\(name)")
            defer { try? FileManager.default.removeItem(at: out) }
            _ = try Builder.build(Fixture.options(name, output: out))
            let pages = Self.pages(under: out)
            #expect(!pages.isEmpty)
            for (page, html) in pages {
                #expect(MarkupCheck.svgProblems(html) == [], "\(name)/\(page)")
                all.append(("\(name)/\(page)", html))
            }
        }
        #expect(try HTML5Check.problems(all) == [])
    }
}
