// The example gallery (examples/gallery): every chapter that exists builds with 0 failed blocks, twice, byte for byte.
import Foundation
import LabbookCore
import Testing
import TestSupport
@testable import LabbookKit

@Suite(.serialized) struct GalleryTests {
    static let gallery = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/gallery")

    @Test func galleryBuildsCleanlyAndReproducibly() throws {
        let out1 = Fixture.tempDir("gallery-a"), out2 = Fixture.tempDir("gallery-b"), cache = Fixture.tempDir("gallery-cache")
        defer { for d in [out1, out2, cache] { try? FileManager.default.removeItem(at: d) } }
        let chapters = try FileManager.default.contentsOfDirectory(atPath: Self.gallery.appendingPathComponent("chapters").path)
            .filter { $0.hasSuffix(".md") }.sorted()
        #expect(chapters.count >= 9, "chapters 01-09 belong to the gallery: \(chapters)")

        let cold = try Builder.build(BuildOptions(book: Self.gallery, output: out1, cache: cache, jobs: 2, environment: [:]))
        #expect(cold.failed == 0, "\(cold.blocks.filter { $0.state == .failed }.map(\.line))")
        #expect(cold.exitCode == 0, "\(cold.diagnostics.map(\.description))")
        // No cache at all: every run is computed again, and the site must not differ by a byte.
        let again = try Builder.build(BuildOptions(book: Self.gallery, output: out2, useCache: false, jobs: 1, environment: [:]))
        #expect(again.failed == 0 && again.exitCode == 0)
        let a = Fixture.snapshot(out1), b = Fixture.snapshot(out2)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (k, v) in a where b[k] != v { Issue.record("\(k) differs between the cached and the uncached build") }
        for name in chapters {
            #expect(a[String(name.dropLast(3)) + ".html"] != nil, "no page for \(name)")
        }
        // Every page parses as HTML5 and every chart in it as XML.
        let pages = a.filter { $0.key.hasSuffix(".html") }.sorted { $0.key < $1.key }.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }
        for (name, html) in pages { #expect(MarkupCheck.svgProblems(html) == [], "gallery/\(name)") }
        #expect(try HTML5Check.problems(pages) == [])

        // What the sweeps chapters promise, as a reader sees it.
        let moons = Fixture.read(out1, "01-moons-boundaries.html")
        for label in ["1 unit", "4 units", "32 units"] {
            #expect(moons.contains("Predicted probability of class 1 — \(label)"), "one labelled surface per variant")
        }
        #expect(moons.contains("<th>variant</th>") && moons.contains("<td>32 units</td>"))
        let curves = Fixture.read(out1, "05-split-curves.html")
        #expect(curves.contains("Training and validation loss per epoch") && curves.contains("Training loss per iteration (minibatch)"))
        let checks = Fixture.read(out1, "07-gradient-checks.html")
        #expect(checks.components(separatedBy: "class=\"report-note variant-name\"").count == 4, "a table per variant")
        let divergence = Fixture.read(out1, "08-divergence.html")
        #expect(divergence.contains("Loss up to the divergence") && !divergence.contains("experiment-error"))
        let errors = Fixture.read(out1, "09-expected-errors.html")
        #expect(errors.components(separatedBy: "experiment-expected-error").count == 3 && !errors.contains("class=\"experiment-error\""))
        #expect(errors.contains("data/broken.csv:3:2: &#39;n/a&#39; in column &#39;width&#39; is not a number"))
        // Three classes draw class regions; the regression chapter reaches near its noise floors (0.1 and 0.2).
        let planes = Fixture.read(out1, "02-plane-sets.html")
        #expect(planes.components(separatedBy: "Most probable class").count >= 3 && planes.contains(">class 2</li>"))
        let flowers = Fixture.read(out1, "03-csv-tables.html")
        #expect(flowers.contains(">virginica-like</li>") && flowers.contains(">petal_width (normalised)</text>"), "a CSV's classes and columns by name")
        let regression = Fixture.read(out1, "30-regression.html")
        let rmse = regression.components(separatedBy: "<span class=\"result\">").dropFirst().compactMap { Double($0.prefix { $0 != "<" }) }
        #expect(rmse.count == 4 && rmse[0] < 0.15 && rmse[2] < 0.25 && rmse[3] < 0.25, "\(rmse)")
        #expect(regression.contains("Fitted y against x") && regression.contains("Predicted against actual strength — Huber"))
    }

    @Test func ranCountsOnlyTheVariantsThatTrained() throws {
        let book = Fixture.tempDir("variants-book"), out = Fixture.tempDir("variants-out"), cache = Fixture.tempDir("variants-cache")
        defer { for d in [book, out, cache] { try? FileManager.default.removeItem(at: d) } }
        try FileManager.default.createDirectory(at: book.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        func write(_ activations: String) throws {
            let text = "# Sweep\n\n```experiment\nid: s\ndata: {source: moons, samples: 40}\nmodel: {hidden: [4], output: sigmoid}\n"
                + "train: {epochs: 2, batch: 10}\nsweep:\n  model.activation: [\(activations)]\n```\n"
            try text.write(to: book.appendingPathComponent("chapters/01-s.md"), atomically: true, encoding: .utf8)
        }
        try write("relu, tanh")
        let first = try Builder.build(BuildOptions(book: book, output: out, cache: cache, jobs: 1, environment: [:]))
        #expect(first.blocks.map(\.line) == ["chapters/01-s.md:3 s: ran (2 variants, \(NumberFormat.fixed(first.blocks[0].seconds, 1)) s)"])
        try write("relu, tanh, sigmoid")
        let second = try Builder.build(BuildOptions(book: book, output: out, cache: cache, jobs: 1, environment: [:]))
        #expect(second.blocks.first?.line.hasPrefix("chapters/01-s.md:3 s: ran (1 variant, 2 cached, ") == true, "\(second.blocks.map(\.line))")
    }

    @Test func duplicateIdsAreReportedWhenBothBlocksAreInvalid() {
        let text = "# Dupes\n\n```experiment\nid: negative\ndata: {source: moons}\nmodel: {hidden: [4], activation: sigmoidd}\n```\n\n"
            + "```experiment\nid: negative\ndata: {source: moons, samples: -1}\nmodel: {hidden: [4]}\n```\n"
        let chapter = BookLoader.loadChapter(source: text, file: "chapters/01-d.md", slug: "01-d", bookDefaults: nil)
        #expect(chapter.blocks.map { $0.spec == nil } == [true, true])
        let second = chapter.blocks[1].diagnostics.map(\.description)
        #expect(second.contains("chapters/01-d.md:9:1: error: duplicate id 'negative'; it is already used by the block at line 3"), "\(second)")
    }
}
