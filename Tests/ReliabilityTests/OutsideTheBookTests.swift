// Issue 15 items 1-3 and 6.5: a hostile book cannot make Labbook read, write or delete outside itself, and
// output/ holds only the site.
import Foundation
import LabbookCore
import Testing
import Execute
@testable import LabbookKit
@testable import Preview

@Suite struct OutsideTheBookTests {
    static let good = BookShapeTests.good

    /// A directory outside every book, holding one file that must survive.
    static func victim(_ label: String) throws -> URL {
        let dir = Fixtures.tempDir("victim-\(label)")
        try Data("precious".utf8).write(to: dir.appendingPathComponent("secret.txt"))
        return dir
    }

    @Test func aManifestLineThroughALinkInOutputDeletesNothingOutside() throws {
        let book = try Fixtures.book("manifest-link", ["chapters/01.md": Self.good])
        let victim = try Self.victim("manifest")
        defer { for d in [book, victim] { try? FileManager.default.removeItem(at: d) } }
        let out = book.appendingPathComponent("output")
        // As a book from a stranger would ship it: a link in output/ and a manifest naming a file behind it,
        // both where older versions kept the manifest and where this one does.
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("x").path, withDestinationPath: victim.path)
        try Data("x/secret.txt\n".utf8).write(to: out.appendingPathComponent(".labbook-manifest"))
        let options = BuildOptions(book: book, useCache: false, jobs: 1, environment: Fixtures.environment)
        _ = try Builder.build(options)
        #expect(FileManager.default.fileExists(atPath: victim.appendingPathComponent("secret.txt").path), "build deleted through the link")

        try Data("# Files\nx/secret.txt\n".utf8).write(to: options.stateDirectory.appendingPathComponent(StateDirectory.manifestName))
        _ = try Cleaner.clean(book: book, output: out)
        #expect(FileManager.default.fileExists(atPath: victim.appendingPathComponent("secret.txt").path), "clean deleted through the link")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("x").path) == false
                || (try? FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("x").path)) == victim.path)
    }

    @Test func aLinkedDirectoryInOutputIsNeverWrittenThrough() throws {
        let book = try Fixtures.book("data-link", ["chapters/01.md": Self.good])
        let elsewhere = Fixtures.tempDir("elsewhere")
        defer { for d in [book, elsewhere] { try? FileManager.default.removeItem(at: d) } }
        let out = book.appendingPathComponent("output")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("data").path, withDestinationPath: elsewhere.path)
        let error = try #require(throws: (any Error).self) {
            try Builder.build(BuildOptions(book: book, useCache: false, jobs: 1, environment: Fixtures.environment))
        }
        #expect("\(error)".hasPrefix("cannot write output/data/01/ok"))
        #expect("\(error)".hasSuffix(": refusing to follow the symbolic link 'data': Labbook never writes or removes through a link"))
        #expect(Fixtures.snapshot(elsewhere).isEmpty, "nothing was written behind the link")
    }

    @Test func anOutputDirectoryThatIsALinkIsRefusedUnlessAllowed() throws {
        let book = try Fixtures.book("out-link", ["chapters/01.md": Self.good])
        let elsewhere = Fixtures.tempDir("out-elsewhere")
        defer { for d in [book, elsewhere] { try? FileManager.default.removeItem(at: d) } }
        try FileManager.default.createSymbolicLink(atPath: book.appendingPathComponent("output").path, withDestinationPath: elsewhere.path)
        var options = BuildOptions(book: book, useCache: false, jobs: 1, environment: Fixtures.environment)
        #expect(throws: UsageError.self) { try Builder.build(options) }
        #expect(Fixtures.snapshot(elsewhere).isEmpty)
        options.allowOutside = [elsewhere]
        #expect(try Builder.build(options).exitCode == 0)
        #expect(Fixtures.snapshot(elsewhere)["01.html"] != nil)
    }

    @Test func aChapterOrStylesheetLinkedFromOutsideIsAnErrorNamingTheFile() throws {
        let book = try Fixtures.book("publish-link", ["chapters/01.md": Self.good])
        let victim = try Self.victim("publish")
        defer { for d in [book, victim] { try? FileManager.default.removeItem(at: d) } }
        let secret = victim.appendingPathComponent("secret.txt").path
        let resolvedSecret = try #require(BookFiles.resolved(secret))
        try FileManager.default.createSymbolicLink(atPath: book.appendingPathComponent("chapters/09.md").path, withDestinationPath: secret)
        try FileManager.default.createDirectory(at: book.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: book.appendingPathComponent("assets/custom.css").path, withDestinationPath: secret)
        let out = Fixtures.tempDir("publish-out")
        defer { try? FileManager.default.removeItem(at: out) }
        let report = try Builder.build(Fixtures.options(book, output: out))
        #expect(report.diagnostics.map(\.description) == [
            "assets/custom.css:1:1: error: cannot use assets/custom.css: it is a symbolic link to '\(resolvedSecret)', outside the book; it was left out; copy the file into the book, or pass --allow-outside DIR to publish files from DIR",
            "chapters/09.md:1:1: error: cannot read the chapter: it is a symbolic link to '\(resolvedSecret)', outside the book; the chapter was left out; copy the file into the book, or pass --allow-outside DIR to publish files from DIR",
        ])
        let site = Fixtures.snapshot(out)
        #expect(site["09.html"] == nil && site["assets/custom.css"] == nil)
        #expect(!site.values.contains { String(decoding: $0, as: UTF8.self).contains("precious") }, "the secret was published")

        // The explicit opt-in publishes them.
        var options = Fixtures.options(book, output: out)
        options.allowOutside = [victim]
        #expect(try Builder.build(options).diagnostics.isEmpty)
        #expect(Fixtures.read(out, "09.html").contains("precious"))
    }

    @Test func aFIFOAsAChapterSaysWhatItIs() throws {
        let book = try Fixtures.book("fifo", ["chapters/01.md": Self.good])
        defer { try? FileManager.default.removeItem(at: book) }
        #expect(mkfifo(book.appendingPathComponent("chapters/02-pipe.md").path, 0o644) == 0)
        let loaded = try BookLoader.load(book)
        #expect(loaded.allDiagnostics.map(\.description) == [
            "chapters/02-pipe.md:1:1: error: cannot read the chapter: it is not a regular file (a FIFO); the chapter was left out; chapters, templates and assets must be ordinary files",
        ])
        #expect(loaded.chapters.map(\.slug) == ["01"])
    }

    /// The plan's page digests hash the texts the loader read through the book's file rules; no later stage opens
    /// book.yml or a chapter again (which would bypass those rules). Files changed on disk after loading do not
    /// reach the digests.
    @Test func pageDigestsHashTheTextsTheLoaderRead() throws {
        let book = try Fixtures.book("digest-once", ["chapters/01.md": Self.good, "book.yml": "title: One\n"])
        defer { try? FileManager.default.removeItem(at: book) }
        func plan(_ loaded: LoadedBook) -> [String: String] {
            Stages.plan(Stages.validate(loaded), context: RunContext(bookDirectory: book.path, environment: [:]), rawHTML: false).state.chapters
        }
        let loaded = try BookLoader.load(book)
        let before = plan(loaded)
        try Data((Self.good + "\nEdited.\n").utf8).write(to: book.appendingPathComponent("chapters/01.md"))
        try Data("title: Two\n".utf8).write(to: book.appendingPathComponent("book.yml"))
        #expect(plan(loaded) == before)
        // Loaded anew, the edits do change the digest.
        #expect(plan(try BookLoader.load(book)) != before)
    }

    @Test func thePreviewServerDoesNotFollowLinks() throws {
        let root = Fixtures.tempDir("serve-root")
        let victim = try Self.victim("serve")
        defer { for d in [root, victim] { try? FileManager.default.removeItem(at: d) } }
        try Data("<p>page</p>".utf8).write(to: root.appendingPathComponent("page.html"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("x").path, withDestinationPath: victim.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("s.html").path,
                                                   withDestinationPath: victim.appendingPathComponent("secret.txt").path)
        #expect(PreviewServer.serveFile("/page.html", root: root).statusCode == .ok)
        #expect(PreviewServer.serveFile("/x/secret.txt", root: root).statusCode == .notFound)
        #expect(PreviewServer.serveFile("/s.html", root: root).statusCode == .notFound)
    }

    // MARK: - The state directory and the lock

    @Test func outputHoldsOnlyTheSiteAndTwoBuildsGiveTheSameDirectory() throws {
        let book = try Fixtures.book("pure", ["chapters/01.md": Self.good])
        defer { try? FileManager.default.removeItem(at: book) }
        let options = BuildOptions(book: book, jobs: 1, environment: Fixtures.environment)
        _ = try Builder.build(options)
        let first = Fixtures.snapshot(options.output)
        #expect(first.keys.filter { $0.hasPrefix(".") || $0.contains("labbook-") }.isEmpty, "\(first.keys.sorted())")
        #expect(options.stateDirectory.path == book.appendingPathComponent(".labbook").path)
        #expect(Fixtures.snapshot(options.stateDirectory).keys.sorted() == ["lock", "manifest", "state.json"])
        #expect(Fixtures.read(options.stateDirectory, "lock").isEmpty, "no pid stays after the build")
        try FileManager.default.removeItem(at: book.appendingPathComponent(".labbook-cache"))
        _ = try Builder.build(options)
        #expect(Fixtures.snapshot(options.output) == first)
        #expect(try Checker.check(book: book).stale == [])
    }

    @Test func anOlderLayoutIsMovedOutOfOutputByTheNextBuild() throws {
        let book = try Fixtures.book("legacy", ["chapters/01.md": Self.good])
        defer { try? FileManager.default.removeItem(at: book) }
        let options = BuildOptions(book: book, jobs: 1, environment: Fixtures.environment)
        _ = try Builder.build(options)
        let out = options.output, fm = FileManager.default
        // What an older Labbook left: its manifest (listing a page this build no longer writes), state and lock.
        try Data("old".utf8).write(to: out.appendingPathComponent("gone.html"))
        try Data("01.html\ngone.html\n".utf8).write(to: out.appendingPathComponent(".labbook-manifest"))
        try fm.moveItem(at: options.stateDirectory.appendingPathComponent("state.json"), to: out.appendingPathComponent(".labbook-state.json"))
        try fm.removeItem(at: options.stateDirectory.appendingPathComponent("manifest"))
        try Data("1\n".utf8).write(to: out.appendingPathComponent(".labbook-lock"))
        #expect(try Checker.check(book: book).stale.contains("output/.labbook-manifest was left by an older Labbook; output/ must hold only the site (run labbook build to move it to .labbook/)"))
        _ = try Builder.build(options)
        let site = Fixtures.snapshot(out).keys
        #expect(!site.contains { $0.hasPrefix(".labbook") || $0 == "gone.html" }, "\(site.sorted())")
        #expect(try Checker.check(book: book).stale == [])
    }

    @Test func cleanNeverRemovesTheLockAndRefusesWhileABuildHoldsIt() throws {
        let book = try Fixtures.book("clean-lock", ["chapters/01.md": Self.good])
        defer { try? FileManager.default.removeItem(at: book) }
        let options = BuildOptions(book: book, jobs: 1, environment: Fixtures.environment)
        _ = try Builder.build(options)
        let lockFile = options.stateDirectory.appendingPathComponent(StateDirectory.lockName)
        var st = stat()
        #expect(stat(lockFile.path, &st) == 0)
        let inode = st.st_ino

        var held: BuildLock? = try BuildLock.acquire(options.stateDirectory)   // a build that is running
        #expect(throws: BuildLock.Failure.self) { try Cleaner.clean(book: book, output: options.output) }
        #expect(FileManager.default.fileExists(atPath: options.output.appendingPathComponent("01.html").path))
        held = nil
        _ = held
        let report = try Cleaner.clean(book: book, output: options.output, cache: book.appendingPathComponent(".labbook-cache"))
        #expect(report.files > 5 && report.cacheEntries == 1)
        #expect(!FileManager.default.fileExists(atPath: options.output.path))
        #expect(!FileManager.default.fileExists(atPath: book.appendingPathComponent(".labbook-cache").path), "\((try? FileManager.default.subpathsOfDirectory(atPath: book.appendingPathComponent(".labbook-cache").path)) ?? [])")
        // The same lock file, still there: a waiter and the next holder lock one inode.
        #expect(stat(lockFile.path, &st) == 0 && st.st_ino == inode)
    }

    @Test func cleanHandlesOneCharacterDirectoriesAndHostileLines() throws {
        let book = try Fixtures.book("clean-short", ["chapters/01.md": "# One\n"])
        defer { try? FileManager.default.removeItem(at: book) }
        let out = book.appendingPathComponent("output")
        let state = StateDirectory.url(book: book, output: out)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: out.appendingPathComponent("a/b/c.html"))
        try Data("x".utf8).write(to: out.appendingPathComponent("b.html"))
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try Data("a/b/c.html\nb.html\n../book.yml\n/etc/passwd\na//b\n\n".utf8).write(to: state.appendingPathComponent("manifest"))
        try Data("title: T\n".utf8).write(to: book.appendingPathComponent("book.yml"))
        let report = try Cleaner.clean(book: book, output: out)
        #expect(report.files == 2)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(FileManager.default.fileExists(atPath: book.appendingPathComponent("book.yml").path))
    }
}
