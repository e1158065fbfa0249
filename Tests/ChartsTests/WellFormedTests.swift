// Every chart's SVG is well-formed XML: the fixtures rendered now and the golden files on disk, parsed by libxml2.
import Foundation
import Testing
import TestSupport
@testable import Charts

private let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

@Test(arguments: Fixtures.all.map(\.name))
func chartSVGIsWellFormedXML(_ name: String) throws {
    let html = try #require(Fixtures.all.first { $0.name == name }).html
    #expect(!MarkupCheck.svgIslands(html).isEmpty)
    #expect(MarkupCheck.svgProblems(html) == [], "\(name)")
    #expect(MarkupCheck.htmlProblem(html) == nil, "\(name): \(MarkupCheck.htmlProblem(html) ?? "")")
}

@Test func goldenFilesAreWellFormed() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: goldenDirectory.path).filter { $0.hasSuffix(".svg.html") }
    #expect(names.count >= 5)
    for name in names.sorted() {
        let html = try String(contentsOf: goldenDirectory.appendingPathComponent(name), encoding: .utf8)
        #expect(MarkupCheck.svgProblems(html) == [], "Golden/\(name)")
        #expect(MarkupCheck.htmlProblem(html) == nil, "Golden/\(name): \(MarkupCheck.htmlProblem(html) ?? "")")
    }
}

/// The checker itself catches the defect it exists for: one `</g>` too many.
@Test func theCheckerRejectsAnExtraClosingTag() {
    let bad = "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><rect/></g></g></svg>"
    #expect(MarkupCheck.svgProblems(bad).count == 1)
    #expect(MarkupCheck.htmlProblem("<div><p>a</p></span></div>") != nil)
    #expect(MarkupCheck.htmlProblem("<div><p>a<br></p><img src=\"x\"></div>") == nil)
}
