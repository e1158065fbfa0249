// Incremental builds: what re-runs after which edit, damaged cache entries, stale-output detection.
import Foundation
import Testing
@testable import LabbookKit

/// A writable copy of a fixture book in a temporary directory.
func copyOfFixture(_ name: String) throws -> URL {
    let dir = Fixture.tempDir("copy-\(name)")
    let dest = dir.appendingPathComponent(name)
    try FileManager.default.copyItem(at: Fixture.book(name), to: dest)
    return dest
}

func edit(_ file: URL, replacing old: String, with new: String) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains(old), "fixture text to edit not found: \(old)")
    try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
}

@Suite(.serialized) struct IncrementalBuildTests {
    @Test func editsRerunOnlyWhatChangesTheNumbers() throws {
        let book = try copyOfFixture("tiny")
        defer { try? FileManager.default.removeItem(at: book.deletingLastPathComponent()) }
        let options = BuildOptions(book: book, jobs: 2)
        let chapter = book.appendingPathComponent("chapters/02-depth.md")
        let cold = try Builder.build(options)
        #expect(cold.ran == 3)

        // Prose and title edits: nothing trains, the page changes.
        try edit(chapter, replacing: "A deep sigmoid network", with: "A very deep sigmoid network")
        try edit(chapter, replacing: "title: Sigmoid, five layers", with: "title: Sigmoid, five layers deep")
        #expect(try Checker.check(book: book).stale.count == 1)
        let prose = try Builder.build(options)
        #expect(prose.ran == 0)
        #expect(prose.site?.written.contains("02-depth.html") == true)
        #expect(try String(contentsOf: book.appendingPathComponent("output/02-depth.html"), encoding: .utf8).contains("five layers deep"))

        // A `show` edit re-renders from the cache.
        try edit(chapter, replacing: "bins: 20", with: "bins: 10")
        let shown = try Builder.build(options)
        #expect(shown.ran == 0)
        #expect(shown.site?.written.contains("02-depth.html") == true)
        #expect(shown.site?.written.contains("01-xor.html") == false, "only the changed page is rewritten")

        // A seed edit re-runs exactly that block; reordering keys changes nothing.
        try edit(chapter, replacing: "train: {epochs: 3, batch: 50, record-every: 2}",
                 with: "seed: 11\ntrain: {batch: 50, record-every: 2, epochs: 3}")
        let stale = try Checker.check(book: book)
        #expect(stale.stale.contains { $0.contains("deep-sigmoid") })
        #expect(!stale.stale.contains { $0.contains(" xor:") })
        let seeded = try Builder.build(options)
        #expect(seeded.ran == 1)
        #expect(seeded.blocks.filter { $0.state == .ran }.map(\.id) == ["deep-sigmoid"])
        #expect(try Checker.check(book: book).stale == [])
    }

    /// A build that stops half-way (here: a file it cannot write; in life: SIGKILL) must not leave a build state
    /// that vouches for pages it never wrote: the next build redoes the work instead of taking the fast path.
    @Test func aBuildStoppedHalfWayLeavesNoStateThatVouchesForIt() throws {
        let book = try copyOfFixture("tiny")
        defer { try? FileManager.default.removeItem(at: book.deletingLastPathComponent()) }
        let options = BuildOptions(book: book, jobs: 2)
        let output = book.appendingPathComponent("output"), fm = FileManager.default
        _ = try Builder.build(options)
        let json = output.appendingPathComponent("data/01-xor/xor.json")
        let oldJSON = try Data(contentsOf: json)

        // The edit changes xor.json; make it unwritable (a directory in its place), so the build stops there.
        try edit(book.appendingPathComponent("chapters/01-xor.md"), replacing: "id: xor\n", with: "id: xor\nseed: 3\n")
        try fm.removeItem(at: json)
        try fm.createDirectory(at: json.appendingPathComponent("obstacle"), withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { try Builder.build(options) }
        #expect(!fm.fileExists(atPath: options.stateDirectory.appendingPathComponent(BuildState.fileName).path))

        // The old file back in place: every file the manifest lists exists again, but the state must not vouch.
        try fm.removeItem(at: json)
        try oldJSON.write(to: json)
        let again = try Builder.build(options)
        #expect(again.site?.written.contains("data/01-xor/xor.json") == true)
        #expect(try Data(contentsOf: json) != oldJSON)
        let fresh = Fixture.tempDir("fresh")
        defer { try? fm.removeItem(at: fresh) }
        _ = try Builder.build(BuildOptions(book: book, output: fresh, cache: nil, useCache: false, jobs: 1))
        #expect(try Data(contentsOf: json) == Data(contentsOf: fresh.appendingPathComponent("data/01-xor/xor.json")))
        #expect(try Checker.check(book: book).stale == [])
    }

    @Test func checkValidatesInlineResultsWithoutRunning() throws {
        let report = try Checker.check(book: Fixture.book("broken"), output: Fixture.tempDir("none"))
        #expect(report.diagnostics.map(\.description).contains(
            "chapters/01-good.md:12:18: error: inline result '{=fine.train-acuracy}': unknown quantity 'train-acuracy'; did you mean 'train-accuracy'?"))
        #expect(report.diagnostics.contains { $0.message == "inline result '{=fine[x].epochs}': block 'fine' has no variant 'x'" })
        #expect(report.exitCode == 1)
    }

    @Test func damagedCacheEntryIsRecomputedWithAWarning() throws {
        let book = try copyOfFixture("broken")
        defer { try? FileManager.default.removeItem(at: book.deletingLastPathComponent()) }
        let options = BuildOptions(book: book, jobs: 1)
        _ = try Builder.build(options)
        let cacheDir = book.appendingPathComponent(".labbook-cache")
        let entries = FileManager.default.enumerator(atPath: cacheDir.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".run") } ?? []
        #expect(entries.count == 1)
        let entry = cacheDir.appendingPathComponent(entries[0])
        var bytes = try Data(contentsOf: entry)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: entry)
        let again = try Builder.build(options)
        #expect(again.ran == 1)
        #expect(again.diagnostics.contains { $0.severity == .warning && $0.message.contains("damaged") })
        // And the rewritten entry is trusted next time.
        #expect(try Builder.build(options).ran == 0)
    }
}

@Suite(.serialized) struct TemplateTests {
    @Test func bookTemplateReplacesTheBuiltInOne() throws {
        let book = try copyOfFixture("broken")
        defer { try? FileManager.default.removeItem(at: book.deletingLastPathComponent()) }
        let templates = book.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "<html lang=\"{{lang}}\"><title>{{pageTitle}}</title><body class=\"mine\">{{{body}}}</body></html>"
            .write(to: templates.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        _ = try Builder.build(BuildOptions(book: book, useCache: false, jobs: 1))
        let page = try String(contentsOf: book.appendingPathComponent("output/01-good.html"), encoding: .utf8)
        #expect(page.hasPrefix("<html lang=\"en\"><title>Good chapter · Broken book</title><body class=\"mine\">"))
        #expect(page.contains("<figure class=\"experiment\" id=\"fine\">"))

        // A broken template is an error naming the file; the pages still build with the built-in template.
        try "{{#unclosed}}".write(to: templates.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        let r = try Builder.build(BuildOptions(book: book, useCache: false, jobs: 1))
        #expect(r.diagnostics.contains { $0.location.file == "templates/page.mustache" && $0.message.hasPrefix("the page template cannot be used") })
        #expect(r.exitCode == 1)
        let fallback = try String(contentsOf: book.appendingPathComponent("output/01-good.html"), encoding: .utf8)
        #expect(fallback.contains("<meta name=\"generator\" content=\"Labbook\">"))
    }
}
