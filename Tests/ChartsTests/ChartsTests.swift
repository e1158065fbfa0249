// Unit tests: nice and log ticks, tick labels, binning, escaping, palette.
import Testing
@testable import Charts
import LabbookCore

@Suite struct TickTests {
    @Test func unitRange() {
        #expect(Ticks.nice(0, 1, target: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test func stepTwoCoversTheData() {
        // 7.3 / 5 = 1.46 ≥ √2, so the step is 2 and the last tick (8) covers 7.3.
        #expect(Ticks.nice(0, 7.3, target: 5) == [0, 2, 4, 6, 8])
    }

    @Test func negativeToLarge() {
        // 253 / 5 = 50.6 → 5 × 10¹; −3 needs the tick below it, −50.
        #expect(Ticks.nice(-3, 250, target: 5) == [-50, 0, 50, 100, 150, 200, 250])
    }

    @Test func reversedBoundsAreSwapped() {
        #expect(Ticks.nice(1, 0, target: 5) == Ticks.nice(0, 1, target: 5))
    }

    @Test func tinyRangeAwayFromZero() {
        // 0.0002 / 5 = 4e-5 → step 5e-5; values are exact decimals.
        #expect(Ticks.nice(1.0001, 1.0003, target: 5) == [1.0001, 1.00015, 1.0002, 1.00025, 1.0003])
    }

    @Test func tinyMagnitudes() {
        let t = Ticks.nice(0, 3e-7, target: 5)
        #expect(t == [0, 5e-8, 1e-7, 1.5e-7, 2e-7, 2.5e-7, 3e-7])
        #expect(Ticks.label(2.5e-7, step: 5e-8) == "2.5×10⁻⁷")
    }

    @Test func equalBoundsAreWidened() {
        #expect(Ticks.nice(0, 0, target: 5) == [-1, -0.5, 0, 0.5, 1])
        let t = Ticks.nice(5, 5, target: 5)
        #expect(t.count >= 2 && t.first! < 5 && t.last! > 5)
    }

    @Test func nonFiniteGivesNoTicks() {
        #expect(Ticks.nice(.nan, 1).isEmpty)
        #expect(Ticks.nice(0, .infinity).isEmpty)
    }

    @Test func logDecades() {
        #expect(Ticks.log(1e-7, 3) == [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10])
        #expect(Ticks.log(1e-8, 1) == [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1])
    }

    @Test func logDegenerate() {
        #expect(Ticks.log(0, 1).isEmpty)
        #expect(Ticks.log(-1, 10).isEmpty)
        #expect(Ticks.log(1, 1) == [1, 10])
        #expect(Ticks.log(0.3, 0.8) == [0.1, 1])
    }

    @Test func labels() {
        #expect(Ticks.label(-0.5, step: 0.5) == "−0.5")
        #expect(Ticks.label(0.6, step: 0.2) == "0.6")
        #expect(Ticks.label(250, step: 50) == "250")
        #expect(Ticks.label(0, step: 0.2) == "0")
        #expect(Ticks.label(3_000_000, step: 1_000_000) == "3×10⁶")
        #expect(Ticks.decadeLabel(1e-6) == "10⁻⁶")
        #expect(Ticks.decadeLabel(1) == "10⁰")
    }

    @Test func fewDecadesSpellNumbersOut() {
        let d = AxisDomain(scale: .log10, extent: (0.3, 0.8), target: 5)
        #expect(d.ticks == [0.1, 0.2, 0.5, 1])
        #expect(d.labels == ["0.1", "0.2", "0.5", "1"])
    }

    @Test func manyDecadesAreThinned() {
        // 1e-20 … 1e10 is 30 decades: every 3rd decade, still covering the data.
        let d = AxisDomain(scale: .log10, extent: (1e-20, 5e9), target: 5)
        #expect(d.ticks.count == 11)
        #expect(d.lo == 1e-20 && d.hi == 1e10)
        #expect(d.labels.first == "10⁻²⁰" && d.labels[1] == "10⁻¹⁷")
        // 1e-8 … 1e4 is 12 decades: stride 2, top raised from 10⁴ to… 10⁴ (−8 + 6·2).
        let e = AxisDomain(scale: .log10, extent: (1e-8, 2e3), target: 5)
        #expect(e.ticks.first == 1e-8 && e.ticks.last == 1e4 && e.ticks.count == 7)
    }

    @Test func fixedRangeKeepsTicksInside() {
        let d = AxisDomain(scale: .linear, extent: (0.2, 0.9), target: 5, fixed: 0...1)
        #expect(d.lo == 0 && d.hi == 1)
        #expect(d.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }
}

@Suite struct BinningTests {
    @Test func edgesAndUpperBound() {
        // Bins [0,1) [1,2) [2,3) [3,4]: 4 itself goes into the last bin.
        let counts = Histogram.bin([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.9999, 4], range: 0...4, bins: 4)
        #expect(counts == [2, 2, 2, 3])
    }

    @Test func outOfRangeAndNonFiniteAreDropped() {
        #expect(Histogram.bin([-1, 5, .nan, .infinity, -.infinity, 2], range: 0...4, bins: 4) == [0, 0, 1, 0])
    }

    @Test func degenerate() {
        #expect(Histogram.bin([1, 2], range: 0...1, bins: 0) == [])
        #expect(Histogram.bin([1, 1, 2], range: 1...1, bins: 5) == [0, 0, 2, 0, 0])
        #expect(Histogram.bin([], range: 0...1, bins: 3) == [0, 0, 0])
    }

    @Test func edges() {
        #expect(Histogram.edges(range: 0...1, bins: 4) == [0, 0.25, 0.5, 0.75, 1])
        #expect(Histogram.edges(range: 0...1, bins: 0) == [])
    }

    @Test func rangeOfValues() {
        #expect(Histogram.range(of: [2, -1, .nan, 3]) == -1...3)
        #expect(Histogram.range(of: [0, 0]) == -0.5...0.5)
        let r = Histogram.range(of: [10, 10])
        #expect(r != nil && r!.lowerBound < 10 && r!.upperBound > 10)
        #expect(Histogram.range(of: [.nan, -.infinity]) == nil)
        #expect(Histogram.range(of: []) == nil)
    }
}

@Suite struct EscapingTests {
    @Test func xmlSpecialCharacters() {
        #expect(Escape.html("<script>alert('x') & \"y\"</script>")
                == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        #expect(Escape.html("plain ünïcode 10⁻⁶") == "plain ünïcode 10⁻⁶")
    }

    @Test func idsAreSanitised() {
        #expect(XML.idSafe("a b\"<c>") == "a-b--c-")
        #expect(XML.idSafe("") == "chart")
    }

    @Test func authorStringsNeverBecomeMarkup() {
        let evil = "<script>x</script>"
        let outputs = [
            Chart.line(LineChartSpec(id: "\"><script>", title: evil, xLabel: evil, yLabel: evil,
                                     panels: [LinePanel(title: evil, series: [Series(label: evil, values: [1, 2]),
                                                                              Series(label: "b", values: [2, 1])]),
                                              LinePanel(title: "p2", series: [])])).string,
            Chart.histogram(HistogramSpec(id: evil, title: evil, xLabel: evil, yLabel: evil, rows: [evil, "r"],
                                          columns: [evil], values: [[[1, 2]], [[3]]])).string,
            Chart.heatmap(HeatmapSpec(id: evil, title: evil, xLabel: evil, yLabel: evil, xRange: 0...1, yRange: 0...1,
                                      values: [[0.5]], valueLabel: evil, points: [HeatmapPoint(x: 0.5, y: 0.5, value: 1)],
                                      lowPointLabel: evil, highPointLabel: evil)).string,
        ]
        for html in outputs {
            #expect(!html.contains("<script"))
            #expect(html.contains("&lt;script&gt;"))
        }
    }
}

@Suite struct PaletteTests {
    @Test func wrapsAndInterpolates() {
        #expect(Palette.color(0) == "#0072B2")
        #expect(Palette.color(Palette.colors.count) == "#0072B2")
        #expect(Palette.divergingColor(0) == "#2166AC")
        #expect(Palette.divergingColor(0.5) == "#F7F7F7")
        #expect(Palette.divergingColor(1) == "#B2182B")
        #expect(Palette.divergingColor(2) == "#B2182B")
        #expect(Palette.divergingColor(.nan) == "#808080")
    }
}
