// Bad inputs that are about the book's shape rather than a block: empty books, directories, unreadable chapters.
import Foundation
import LabbookCore
import Testing
@testable import LabbookKit

@Suite struct BookShapeTests {
    static let good = "# Fine\n\n```experiment\nid: ok\ndata: {source: xor}\nmodel: {hidden: [4]}\ntrain: {epochs: 1, batch: 4}\n```\n"

    @Test func aMissingBookIsAUsageError() {
        #expect(throws: UsageError.self) { try BookLoader.load(URL(fileURLWithPath: "/nonexistent/labbook-book")) }
    }

    @Test func aBookWithoutChaptersSaysSo() throws {
        let book = try Fixtures.book("no-chapters", ["book.yml": "title: Empty\n"])
        defer { try? FileManager.default.removeItem(at: book) }
        let error = try #require(throws: UsageError.self) { try BookLoader.load(book) }
        #expect(error.description.hasPrefix("no chapters/ directory in "))
        #expect(error.description.hasSuffix("a book keeps its Markdown chapters in chapters/*.md"))
    }

    @Test func anEmptyChaptersDirectoryIsAUsageError() throws {
        let book = try Fixtures.book("empty", ["chapters/notes.txt": "not a chapter"])
        defer { try? FileManager.default.removeItem(at: book) }
        let error = try #require(throws: UsageError.self) { try BookLoader.load(book) }
        #expect(error.description.hasSuffix("holds no .md files"))
    }

    @Test func anEmptyChapterFileIsFine() throws {
        let book = try Fixtures.book("empty-chapter", ["chapters/01-empty.md": ""])
        defer { try? FileManager.default.removeItem(at: book) }
        let loaded = try BookLoader.load(book)
        #expect(loaded.allDiagnostics.isEmpty)
    }

    @Test func aChapterThatIsADirectoryOrUnreadableIsReportedAndTheRestBuilds() throws {
        let book = try Fixtures.book("dir-chapter", ["chapters/01-good.md": Self.good, "chapters/02-folder.md/inside.md": "x"])
        defer { try? FileManager.default.removeItem(at: book) }
        // A dangling symbolic link: unreadable even for root, unlike chmod 000.
        try FileManager.default.createSymbolicLink(atPath: book.appendingPathComponent("chapters/03-ghost.md").path,
                                                   withDestinationPath: "/nonexistent/ghost.md")
        let out = Fixtures.tempDir("dir-chapter-out")
        defer { try? FileManager.default.removeItem(at: out) }
        let report = try Builder.build(Fixtures.options(book, output: out))
        let lines = report.diagnostics.map(\.description)
        #expect(lines.contains("chapters/02-folder.md:1:1: error: the chapter is a directory, not a file; chapters/*.md must be Markdown files; rename the directory"))
        #expect(lines.contains { $0.hasPrefix("chapters/03-ghost.md:1:1: error: cannot read the chapter: ") })
        #expect(report.exitCode == 1)
        #expect(Fixtures.read(out, "01-good.html").contains("<figure class=\"experiment\" id=\"ok\">"))
    }

    @Test func aBrokenBookYMLIsReportedWithItsLine() throws {
        let book = try Fixtures.book("bad-yml", ["book.yml": "title: Fine\nauthr: Me\n", "chapters/01.md": "# One\n"])
        defer { try? FileManager.default.removeItem(at: book) }
        let loaded = try BookLoader.load(book)
        #expect(loaded.allDiagnostics.map(\.description) == ["book.yml:2:1: error: unknown key 'authr' in 'book.yml'; did you mean 'author'?"])
    }

    @Test func aByteOrderMarkIsHarmless() throws {
        let book = try Fixtures.book("bom", ["chapters/01.md": "\u{FEFF}---\ntitle: With a BOM\n---\n\n" + Self.good])
        defer { try? FileManager.default.removeItem(at: book) }
        let loaded = try BookLoader.load(book)
        #expect(loaded.allDiagnostics.isEmpty)
        #expect(loaded.chapters.first?.meta.title == "With a BOM")
    }

    // MARK: - Issue 15: silent and opaque messages

    @Test func aLatin1ByteInBookYMLIsAnErrorAtItsLineNotASilentlyDroppedFile() throws {
        let book = try Fixtures.book("latin1-yml", ["chapters/01.md": "# One\n"])
        defer { try? FileManager.default.removeItem(at: book) }
        try Data("title: Caf".utf8 + [0xE9] + "\nauthor: Me\n".utf8).write(to: book.appendingPathComponent("book.yml"))
        let loaded = try BookLoader.load(book)
        #expect(loaded.allDiagnostics.map(\.description) == ["book.yml:1:11: error: book.yml is not valid UTF-8 (byte 0xE9); save the file as UTF-8; the bad bytes are shown as \u{FFFD}"])
        #expect(loaded.config.author == "Me", "the rest of book.yml is still read")
    }

    @Test func aChapterCalledIndexCannotReplaceTheContentsPage() throws {
        let book = try Fixtures.book("index-chapter", ["chapters/01.md": Self.good, "chapters/index.md": "# Hijack\n"])
        let out = Fixtures.tempDir("index-chapter-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        let report = try Builder.build(Fixtures.options(book, output: out))
        #expect(report.diagnostics.map(\.description) == [
            "chapters/index.md:1:1: error: a chapter may not be called index.md: its page would replace the book's contents page (index.html); the chapter was left out; rename it, e.g. '00-introduction.md'; the contents page is written from book.yml",
        ])
        #expect(Fixtures.read(out, "index.html").contains("class=\"chapter-list\""))
        #expect(!Fixtures.read(out, "index.html").contains("Hijack"))
    }

    @Test func aLongChapterNameIsAnErrorAndTheRestOfTheBookBuilds() throws {
        let long = String(repeating: "a", count: 240) + ".md"
        let book = try Fixtures.book("long-name", ["chapters/01.md": Self.good, "chapters/\(long)": Self.good])
        let out = Fixtures.tempDir("long-name-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        let report = try Builder.build(Fixtures.options(book, output: out))
        #expect(report.diagnostics.map(\.description) == [
            "chapters/\(long):1:1: error: the chapter's file name is 243 bytes long, more than 200; the chapter was left out; shorten it: the name becomes the page's file name, and file names are limited to 255 bytes",
        ])
        #expect(Fixtures.read(out, "01.html").contains("id=\"ok\""))
    }

    @Test func temporaryNamesNeverExceedNameMaxWhateverTheTarget() throws {
        let dir = Fixtures.tempDir("tmp-names")
        defer { try? FileManager.default.removeItem(at: dir) }
        // 251 + ".json" = 255 bytes, the longest name a file may have; its temporary must still fit.
        let name = String(repeating: "b", count: 250) + ".json"
        #expect(try SafeDirectory(dir).write(Data("{}".utf8), to: "data/\(name)"))
        try AtomicFile.write(Data("{}".utf8), to: dir.appendingPathComponent(name))
        #expect(Set(Fixtures.snapshot(dir).keys) == ["data/\(name)", name])
        #expect(AtomicFile.temporaryName().utf8.count <= 31)
        #expect(AtomicFile.isTemporaryName(AtomicFile.temporaryName()))
    }

    @Test func aWriteFailureNamesTheFileSaysWhyAndLeavesTheOldSiteWhole() throws {
        #expect(SafePathError.system("index.html", "write", ENOSPC).description == "cannot write 'index.html': the disk is full (ENOSPC)")
        let book = try Fixtures.book("full", ["chapters/01.md": Self.good, "chapters/02.md": Self.good])
        let out = Fixtures.tempDir("full-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        _ = try Builder.build(Fixtures.options(book, output: out))
        let before = Fixtures.snapshot(out)
        // The new version of chapter 2 links nowhere new, but a file it needs cannot be written (a regular file
        // where its directory should be): nothing of the new site may appear, or 01.html could link to a page
        // that was never written.
        try Data((Self.good + "\nNew text.\n").utf8).write(to: book.appendingPathComponent("chapters/01.md"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("data/02"))
        try Data("in the way".utf8).write(to: out.appendingPathComponent("data/02"))
        let error = try #require(throws: (any Error).self) { try Builder.build(Fixtures.options(book, output: out)) }
        #expect("\(error)".hasPrefix("cannot write output/data/02/ok"))
        #expect("\(error)".hasSuffix(": 'data/02' is not a directory"))
        var after = Fixtures.snapshot(out)
        after["data/02"] = nil
        let expected = before.filter { !$0.key.hasPrefix("data/02/") }
        #expect(after == expected, "the old pages stay, untouched")
    }

    /// A real full disk: a 256 KiB tmpfs (mounting needs root, as the build runs in CI; elsewhere the test says
    /// so and checks nothing). The site needs more than that for KaTeX alone.
    @Test func aFullDiskIsNamedAndLeavesNoHalfSite() throws {
        let mountPoint = Fixtures.tempDir("full-disk")
        defer { try? FileManager.default.removeItem(at: mountPoint) }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.path]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil, ({ mount.waitUntilExit(); return mount.terminationStatus == 0 })() else {
            print("aFullDiskIsNamedAndLeavesNoHalfSite: cannot mount a tmpfs here (not root?); skipped")
            return
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        let book = try Fixtures.book("full-disk-book", ["chapters/01.md": Self.good])
        defer { try? FileManager.default.removeItem(at: book) }
        let out = mountPoint.appendingPathComponent("site")
        let error = try #require(throws: (any Error).self) { try Builder.build(Fixtures.options(book, output: out)) }
        #expect("\(error)".hasPrefix("cannot write output/"))
        #expect("\(error)".hasSuffix(": the disk is full (ENOSPC)"), "\(error)")
        #expect(Fixtures.snapshot(out).isEmpty, "no page of a half-written site: every staged file was discarded")
    }
}
