// Axis ticks on whole-number data (layers, epochs).
import Testing
@testable import Charts

@Test func wholeNumberDataGetWholeNumberTicks() {
    let spec = LineChartSpec(id: "layers", title: "per layer", xLabel: "layer", yLabel: "g",
                             series: [Series(label: "a", xs: [0, 1, 2, 3, 4], ys: [10, 20, 30, 40, 50])])
    let svg = Chart.line(spec).string
    #expect(!svg.contains(">0.5<") && !svg.contains(">1.5<"))
    #expect(svg.contains(">3<"))
}
