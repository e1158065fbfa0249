// `predictions` reports: the decision surface of a 2-D classifier, with its training points on top.
import Blocks
import Charts
import Datasets
import Engine
import LabbookCore

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
            let variant = spec.variants.first { $0.label == label } ?? spec.variants.first
            let title = multi ? "Predicted probability of class 1 — \(variantName(label))" : "Predicted probability of class 1"
            let hm = HeatmapSpec(id: runs.count > 1 ? "\(chartID)-v\(k)" : chartID, title: title, xLabel: "x₁", yLabel: "x₂",
                                 xRange: grid.xRange, yRange: grid.yRange, values: values, points: trainingPoints(variant))
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

    /// XOR's four corners, or up to 200 training points of a two-class generated 2-D set (regenerated from
    /// the variant's seed: the same points the run trained on, before any normalisation).
    func trainingPoints(_ variant: Variant?) -> [HeatmapPoint] {
        guard let data = variant?.data else { return [] }
        if data.source == .xor {
            return [(0.0, 0.0, 0.0), (0, 1, 1), (1, 0, 1), (1, 1, 0)].map { HeatmapPoint(x: $0.0, y: $0.1, value: $0.2) }
        }
        guard data.source.isPlane, data.normalize == .none, DataLoader.classCount(data) == 2,
              let splits = try? DataLoader.load(data, seed: variant?.seed ?? 0, bookDirectory: "/", environment: [:]) else { return [] }
        let d = splits.train
        let step = max(1, d.count / 200)
        return stride(from: 0, to: d.count, by: step).prefix(200).map {
            HeatmapPoint(x: Double(d.features[2 * $0]), y: Double(d.features[2 * $0 + 1]), value: Double(d.labels[$0]))
        }
    }
}
