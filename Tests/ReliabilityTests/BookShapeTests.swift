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
}
