// Scatter plots of a regression and the class regions of a >2-class surface: what a reader must be able to see.
import Foundation
import Testing
import TestSupport
@testable import Charts

@Test func classRegionsShowEveryClassInItsColourAndAreWellFormed() throws {
    let html = Chart.classRegions(Fixtures.classRegions).string
    #expect(MarkupCheck.svgProblems(html) == [])
    #expect(try HTML5Check.problems([("chart", html)], fragment: true) == [])
    for (k, name) in ["class 0", "class 1", "class 2"].enumerated() {
        #expect(html.contains(">\(name)</li>"), "the legend names \(name)")
        // The most certain shade of each class and its points' fill.
        #expect(html.contains("fill=\"\(ClassRegionChart.tint(Palette.classColor(k), 1))\""), "class \(k)'s region")
        #expect(html.contains("fill=\"\(Palette.classColor(k))\" stroke=\"#000\""), "class \(k)'s points")
    }
    // Near the borders the model is unsure: the palest shade appears too, and is paler than the surest.
    #expect(html.contains("fill=\"\(ClassRegionChart.tint(Palette.classColor(0), 0))\""))
    #expect(ClassRegionChart.tint("#0072B2", 0) == "#CCE3F0" && ClassRegionChart.tint("#0072B2", 1) == "#4095C5")
    // Three shapes for three classes: circles, squares, triangles (paths).
    #expect(html.contains("<circle") && html.contains("<rect x=") && html.contains("<path d=\"M"))
    #expect(html.contains("Decision regions over x₁ from -2 to 2"), "the description says what is drawn")
}

@Test func classColoursAreRealColoursForTenClasses() {
    let colours = (0..<10).map(Palette.classColor)
    #expect(Set(colours).count == 10 && colours.allSatisfy { $0.hasPrefix("#") && $0.count == 7 })
}

@Test func predictedAgainstActualIsSquareWithTheDiagonal() throws {
    let html = Chart.scatter(Fixtures.scatter).string
    #expect(MarkupCheck.svgProblems(html) == [])
    #expect(try HTML5Check.problems([("chart", html)], fragment: true) == [])
    // Equal axes: the panel is taller than the default 270 so that the plot is square, the same ticks on both axes.
    let viewBox = try #require(html.components(separatedBy: "viewBox=\"0 0 400 ").dropFirst().first?.prefix { $0 != "\"" })
    #expect((Double(viewBox) ?? 0) > 270)
    #expect(html.contains(">perfect prediction (y = x)</li>") && html.contains(">test example</li>"))
    #expect(html.contains("Scatter plot of 60 points (test example)"))
    #expect(html.components(separatedBy: "<g class=\"series\"").count == 2, "one line, the diagonal")
}
