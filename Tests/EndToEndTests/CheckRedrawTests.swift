// `labbook check` draws the pages again from the chapters and output/data and compares bytes: a page edited by
// hand, or a page that the renderer would now draw differently from its data, fails check and is named.
import Foundation
import Testing
import TestSupport
@testable import LabbookKit
@testable import Render

@Suite(.serialized) struct CheckRedrawTests {
    /// The tiny book built into a fresh output with a cache; check finds it current.
    static func built(_ label: String) throws -> (out: URL, cache: URL) {
        let out = Fixture.tempDir("redraw-\(label)"), cache = Fixture.tempDir("redraw-\(label)-cache")
        let r = try Builder.build(Fixture.options("tiny", output: out, cache: cache))
        #expect(r.exitCode == 0)
        #expect(try Checker.check(book: Fixture.book("tiny"), output: out).stale == [])
        return (out, cache)
    }

    static func remove(_ dirs: URL...) {
        for d in dirs {
            try? FileManager.default.removeItem(at: d)
            try? FileManager.default.removeItem(at: StateDirectory.url(book: Fixture.book("tiny"), output: d))
        }
    }

    @Test func aPageEditedByHandFailsCheckAndTheNextBuildRedrawsIt() throws {
        let (out, cache) = try Self.built("edit")
        defer { Self.remove(out, cache) }
        let page = out.appendingPathComponent("02-depth.html")
        let original = try Data(contentsOf: page)
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "Sigmoid, five layers", with: "Sigmoid, six layers").utf8)
            .write(to: page)
        let check = try Checker.check(book: Fixture.book("tiny"), output: out)
        #expect(check.stale == ["output/02-depth.html differs from what the chapters and output/data draw (edited by hand, or Labbook now draws it differently); run labbook build"])
        #expect(check.exitCode == 1)
        // The build's nothing-changed shortcut draws the pages too, so it does not vouch for the edited one.
        let again = try Builder.build(Fixture.options("tiny", output: out, cache: cache))
        #expect(again.ran == 0)
        #expect(again.site?.written == ["02-depth.html"])
        #expect(try Data(contentsOf: page) == original)
        #expect(try Checker.check(book: Fixture.book("tiny"), output: out).stale == [])
    }

    /// What check does when Labbook's renderer changed and nobody rebuilt: the page on disk is no longer what
    /// its data draws. Here the data file is patched instead of the renderer; check names the page, not the data.
    @Test func aPageItsDataNoLongerDrawsFailsCheck() throws {
        let (out, cache) = try Self.built("data")
        defer { Self.remove(out, cache) }
        let file = out.appendingPathComponent("data/01-xor/xor.json")
        var data = try BlockData.decode(try Data(contentsOf: file))
        data.outcome.variants[0].training?.final.trainAccuracy = 0.5
        data.outcome.variants[0].training?.epochsRun = 299
        try #require(data.encoded()).write(to: file)
        let check = try Checker.check(book: Fixture.book("tiny"), output: out)
        #expect(check.stale.first == "output/01-xor.html differs from what the chapters and output/data draw (edited by hand, or Labbook now draws it differently); run labbook build")
        // The summary table's CSV and the search index come from the same numbers; the data file itself reads back whole.
        #expect(check.stale.dropFirst().map { $0.components(separatedBy: " ").first ?? "" } == ["output/assets/search-index.js", "output/data/01-xor/xor-table-1.csv"])
    }

    @Test func aMissingDataFileIsNamed() throws {
        let (out, cache) = try Self.built("missing")
        defer { Self.remove(out, cache) }
        try FileManager.default.removeItem(at: out.appendingPathComponent("data/02-depth/deep-sigmoid.json"))
        let stale = try Checker.check(book: Fixture.book("tiny"), output: out).stale
        #expect(stale.first == "output/data/02-depth/deep-sigmoid.json is missing: chapters/02-depth.md:5 deep-sigmoid has no results to draw")
        #expect(stale.contains { $0.hasPrefix("output/02-depth.html differs") })
    }

    /// Each data file holds its block's outcome: configs as objects, the prediction grid, the samples a histogram draws.
    @Test func dataFilesHoldTheWholeOutcomeAndReadBackToTheSameBytes() throws {
        let (out, cache) = try Self.built("content")
        defer { Self.remove(out, cache) }
        let files = TestFiles.snapshot(out).filter { $0.key.hasPrefix("data/") && $0.key.hasSuffix(".json") }
        #expect(files.keys.sorted() == ["data/01-xor/shapes.json", "data/01-xor/xor.json", "data/02-depth/deep-sigmoid.json", "data/02-depth/rnn.json"])
        for (path, bytes) in files { #expect(try BlockData.decode(bytes).encoded() == bytes, "\(path)") }
        let xor = try BlockData.decode(try #require(files["data/01-xor/xor.json"]))
        let grid = try #require(xor.outcome.variants[0].training?.predictionGrid)
        #expect(grid.probabilities.count == grid.resolution * grid.resolution && grid.resolution > 1)
        let xorBytes = try #require(files["data/01-xor/xor.json"])
        let json = try #require(try JSONSerialization.jsonObject(with: xorBytes) as? [String: Any])
        #expect(((json["configs"] as? [Any])?.first as? [String: Any])?["seed"] != nil)
        let deep = try BlockData.decode(try #require(files["data/02-depth/deep-sigmoid.json"]))
        for variant in deep.outcome.variants {
            let layers = try #require(variant.training?.snapshots.first?.layers)
            #expect(layers.filter { !$0.gradients.isEmpty }.map(\.layer) == [0, 2, 5], "the histogram's layers")
            #expect(layers.allSatisfy { $0.weights.isEmpty && $0.activations.isEmpty }, "no report draws these")
        }
    }

    /// An inline result's arguments are judged by one rule (`ResultReference.argumentProblem`): check reports
    /// exactly what the build reports for them, at the same place, without running anything.
    @Test func checkRejectsInlineArgumentsExactlyAsBuildDoes() throws {
        let book = try copyOfFixture("tiny")
        defer { try? FileManager.default.removeItem(at: book.deletingLastPathComponent()) }
        let chapter = book.appendingPathComponent("chapters/01-xor.md")
        try (try String(contentsOf: chapter, encoding: .utf8)
             + "\nDead: `{=02-depth/deep-sigmoid[relu].dead-init:x}`, epochs `{=xor.epochs:3}`, check `{=xor.gradient-check}`.\n")
            .write(to: chapter, atomically: true, encoding: .utf8)
        let checked = try Checker.check(book: book).diagnostics.filter { $0.location.file == "chapters/01-xor.md" }.map(\.description)
        #expect(checked.count == 3, "\(checked)")
        #expect(checked.contains { $0.contains("'{=xor.epochs:3}': 'epochs' takes 0 arguments after ':', got 1; write {=xor.epochs}") })
        #expect(checked.contains { $0.contains("'dead-init': LAYER must be a whole number, got 'x'") })
        let built = try Builder.build(BuildOptions(book: book, useCache: false, jobs: 2))
        #expect(built.diagnostics.filter { $0.location.file == "chapters/01-xor.md" }.map(\.description) == checked)
    }
}
