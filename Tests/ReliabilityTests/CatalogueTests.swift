// The catalogue of bad inputs: one chapter per mistake, each with the exact diagnostics it must produce.
import Foundation
import LabbookCore
import Testing
import TestSupport
@testable import LabbookKit

/// The catalogue book built once (no cache, so every block really runs) and the time it took.
struct CatalogueBuild: Sendable {
    let report: BuildReport
    let output: URL
    let seconds: Double

    static let shared: CatalogueBuild = {
        let output = Fixtures.tempDir("catalogue")
        let start = ContinuousClock.now
        let report: BuildReport
        do {
            report = try Builder.build(Fixtures.options(Fixtures.catalogue, output: output))
        } catch {
            report = BuildReport(blocks: [], diagnostics: [.error(at: SourceLocation(file: "build", line: 0), "\(error)")], site: nil)
        }
        let elapsed = ContinuousClock.now - start
        return CatalogueBuild(report: report, output: output,
                              seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }()

    static var chapterNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.catalogue.appendingPathComponent("chapters").path)) ?? []
        return names.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
    }
}

@Suite struct CatalogueTests {
    /// Bad input makes error boxes, never bad markup: every page of the catalogue parses as HTML5 (a chapter
    /// of binary garbage used to put its control characters into the page) and every chart as XML.
    @Test func everyCataloguePageIsWellFormed() throws {
        let build = CatalogueBuild.shared
        let names = try FileManager.default.contentsOfDirectory(atPath: build.output.path).filter { $0.hasSuffix(".html") }.sorted()
        #expect(names.count > 40)
        let pages = names.map { ($0, Fixtures.read(build.output, $0)) }
        for (name, html) in pages { #expect(MarkupCheck.svgProblems(html) == [], "\(name)") }
        #expect(try HTML5Check.problems(pages) == [])
    }

    @Test func theCatalogueHasAtLeastFortyBadChapters() {
        #expect(CatalogueBuild.chapterNames.filter { $0 != "00-good" }.count >= 40)
    }

    /// Each chapter's diagnostics, exactly as the terminal prints them, against `chapters/NAME.expected`.
    @Test(arguments: CatalogueBuild.chapterNames)
    func chapterGivesExactlyItsExpectedDiagnostics(_ name: String) throws {
        let build = CatalogueBuild.shared
        let file = "chapters/\(name).md"
        let actual = build.report.diagnostics.filter { $0.location.file == file }.map(\.description)
        let expectedURL = Fixtures.catalogue.appendingPathComponent("chapters/\(name).expected")
        if Fixtures.recording {
            if actual.isEmpty { try? FileManager.default.removeItem(at: expectedURL) } else {
                try Data((actual.joined(separator: "\n") + "\n").utf8).write(to: expectedURL)
            }
            return
        }
        let text = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? ""
        let expected = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(actual == expected, "\(name): got\n\(actual.joined(separator: "\n"))")
        if name != "00-good" {
            #expect(!actual.isEmpty, "a bad chapter must say what is wrong")
        }
    }

    /// The issue's "done when": all bad chapters plus one good one build in under 30 s with exit 1, the good
    /// chapter intact, every bad block shown as an error box naming its line.
    @Test func theWholeCatalogueBuildsFastFailsCleanlyAndKeepsTheGoodChapter() throws {
        let build = CatalogueBuild.shared
        #expect(build.seconds < 30, "the catalogue took \(build.seconds) s")
        #expect(build.report.exitCode == 1)
        #expect(build.report.site != nil, "the site was written")

        let good = Fixtures.read(build.output, "00-good.html")
        #expect(good.contains("<figure class=\"experiment\" id=\"fine\">"))
        #expect(good.contains("<svg"))
        #expect(!good.contains("experiment-error"))
        #expect(build.report.blocks.contains { $0.id == "fine" && $0.state == .ran })

        let book = try BookLoader.load(Fixtures.catalogue)
        for ch in book.chapters {
            let page = Fixtures.read(build.output, "\(ch.slug).html")
            #expect(page.contains("</html>"), "\(ch.slug).html is complete")
            for status in build.report.blocks where status.location.file == ch.file && status.state == .failed {
                // The block's lines (its opening fence, its YAML, its closing fence), or for a problem in the
                // defaults it inherits, the front matter's.
                func count(_ yaml: String) -> Int { yaml.split(separator: "\n", omittingEmptySubsequences: false).count }
                let yaml = ch.chapter.experiments.first { $0.location.line == status.location.line }?.yaml ?? ""
                let block = status.location.line...(status.location.line + count(yaml) + 1)
                let front = ch.chapter.frontMatter.map { $0.location.line...($0.location.line + count($0.yaml)) }
                let named = Self.errorBoxLines(in: page, figure: status.id, file: ch.file)
                #expect(!named.isEmpty, "\(ch.slug): no error box in the figure of \(status.id)")
                #expect(named.contains { block.contains($0) || front?.contains($0) == true },
                        "\(ch.slug): the box of \(status.id) must name a line of the block (\(block)), names \(named)")
            }
        }
        // Nothing from the chapters became markup.
        let script = Fixtures.read(build.output, "13-id-script.html")
        #expect(!script.contains("<script>alert"))
    }

    /// The lines `FILE:LINE:` named by the error boxes of the figures with this id (a duplicate id has two figures).
    static func errorBoxLines(in page: String, figure id: String, file: String) -> [Int] {
        var lines: [Int] = []
        for part in page.components(separatedBy: "<figure class=\"experiment\" id=\"\(Escape.html(id))\">").dropFirst() {
            let figure = part.components(separatedBy: "</figure>").first ?? ""
            guard let box = figure.range(of: "<div class=\"experiment-error\"") else { continue }
            for piece in figure[box.lowerBound...].components(separatedBy: "<span class=\"where\">\(file):").dropFirst() {
                if let n = Int(piece.prefix { $0.isNumber }) { lines.append(n) }
            }
        }
        return lines
    }

    @Test func aDivergedBlockShowsItsCurveUpToTheDivergenceAndAHint() throws {
        let build = CatalogueBuild.shared
        let page = Fixtures.read(build.output, "38-divergence.html")
        let box = try #require(page.range(of: "<div class=\"experiment-error\""))
        let curve = try #require(page.range(of: "<div class=\"report divergence\">"))
        #expect(box.lowerBound < curve.lowerBound, "the curve follows the error box")
        #expect(page.contains("Loss up to the divergence"))
        #expect(page.contains("lower the learning rate or clip gradients"))
        let status = try #require(build.report.blocks.first { $0.id == "blows-up" })
        #expect(status.state == .failed)
        // The JSON export survives NaN and infinities.
        let json = try Data(contentsOf: build.output.appendingPathComponent("data/38-divergence/blows-up.json"))
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect(object?["id"] as? String == "blows-up")
    }

    /// Budgets are estimated when a block is read, so `labbook check` (which runs nothing) refuses exactly what
    /// `labbook build` refuses, with the same words at the same key.
    @Test func checkRejectsTheBudgetChaptersExactlyAsBuildDoes() throws {
        let build = CatalogueBuild.shared
        let check = try Checker.check(book: Fixtures.catalogue, output: build.output, environment: Fixtures.environment)
        let budgetChapters = CatalogueBuild.chapterNames.filter { $0.contains("budget") || $0.hasPrefix("23-") }
        #expect(budgetChapters.count == 12)
        for name in budgetChapters {
            let file = "chapters/\(name).md"
            let built = build.report.diagnostics.filter { $0.location.file == file }.map(\.description)
            let checked = check.diagnostics.filter { $0.location.file == file }.map(\.description)
            #expect(!built.isEmpty && checked == built, "\(name)")
        }
    }
}
