// `predictions` reports: the decision surface of a 2-D classifier, with its training points on top.
import Blocks
import Charts
import LabbookCore
import Outcomes
import Vocabulary

extension ReportContext {
    func predictions(chartID: String) -> RenderedReport {
        let runs = trained.filter { $0.result.predictionGrid != nil }
        guard !runs.isEmpty else {
            return RenderedReport(html: section("Decision surface", note("Predictions need a trained model with 2-D inputs.")))
        }
        var html = Markup()
        for (k, (label, r)) in runs.enumerated() {
            guard let grid = r.predictionGrid else { continue }
            let n = grid.resolution
            let values = (0..<n).map { row in Array(grid.probabilities[(row * n)..<((row + 1) * n)]) }
            let title = multi ? "Predicted probability of class 1 — \(variantName(label))" : "Predicted probability of class 1"
            let hm = HeatmapSpec(id: runs.count > 1 ? "\(chartID)-v\(k)" : chartID, title: title, xLabel: "x₁", yLabel: "x₂",
                                 xRange: grid.xRange, yRange: grid.yRange, values: values, points: trainingPoints(label))
            html += runs.count > 1 ? Chart.heatmap(hm) : chartSection(Chart.heatmap(hm))
        }
        // A sweep's surfaces side by side (two a line from about 900 px), so the boundaries can be compared.
        if runs.count > 1 {
            let surfaces = html
            html = Markup.build { w in
                w.element("div", [("class", "report variants"),
                                  ("style", "display:grid;gap:0 1.5rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr))")],
                          breaks: .around) { w in w.append(surfaces) }
            }
        }
        return RenderedReport(html: html)
    }

    /// The training points Execute drew from the variant's data (XOR's corners, a two-class 2-D set's points).
    func trainingPoints(_ label: String) -> [HeatmapPoint] {
        let points = outcome.variants.first { $0.label == label }?.trainingPoints ?? []
        return points.map { HeatmapPoint(x: $0.x, y: $0.y, value: Double($0.label)) }
    }
}
