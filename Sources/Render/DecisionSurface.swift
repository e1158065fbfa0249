// `predictions` reports: the decision surface of a 2-D classifier, with its training points on top.
import Blocks
import Charts
import LabbookCore
import Outcomes
import Vocabulary

extension ReportContext {
    /// One decision surface per variant, each titled with the variant's name in a sweep; the training points
    /// of a generated 2-D set are drawn on top. More than two classes: the most probable class per cell.
    func predictions(chartID: String) -> RenderedReport {
        if isRegression { return regressionPredictions(chartID: chartID) }
        let runs = trained.filter { $0.result.predictionGrid != nil }
        guard !runs.isEmpty else {
            return RenderedReport(html: section("Decision surface", note("Predictions need a trained model with 2-D inputs.")))
        }
        var html = Markup()
        for (k, (label, r)) in runs.enumerated() {
            guard let grid = r.predictionGrid else { continue }
            let n = grid.resolution
            let (xName, yName) = planeAxes(label)
            if let classes = grid.classes, let confidence = grid.confidence, classes.count == n * n, confidence.count == n * n {
                // More than two classes: the most probable class per cell, paler where the model is less sure.
                let classCount = grid.classCount ?? ((classes.max() ?? 1) + 1)
                let title = multi ? "Most probable class — \(variantName(label))" : "Most probable class"
                let cr = ClassRegionSpec(id: runs.count > 1 ? "\(chartID)-v\(k)" : chartID, title: title, xLabel: xName, yLabel: yName,
                                         xRange: grid.xRange, yRange: grid.yRange,
                                         classes: (0..<n).map { Array(classes[($0 * n)..<(($0 + 1) * n)]) },
                                         confidence: (0..<n).map { Array(confidence[($0 * n)..<(($0 + 1) * n)]) },
                                         classNames: grid.classNames ?? (0..<classCount).map { "class \($0)" },
                                         points: trainingPoints(label))
                html += runs.count > 1 ? Chart.classRegions(cr) : chartSection(Chart.classRegions(cr))
                continue
            }
            let values = (0..<n).map { row in Array(grid.probabilities[(row * n)..<((row + 1) * n)]) }
            let title = multi ? "Predicted probability of class 1 — \(variantName(label))" : "Predicted probability of class 1"
            let hm = HeatmapSpec(id: runs.count > 1 ? "\(chartID)-v\(k)" : chartID, title: title, xLabel: xName, yLabel: yName,
                                 xRange: grid.xRange, yRange: grid.yRange, values: values, points: trainingPoints(label))
            html += runs.count > 1 ? Chart.heatmap(hm) : chartSection(Chart.heatmap(hm))
        }
        // A sweep's surfaces side by side, so the boundaries can be compared.
        return RenderedReport(html: runs.count > 1 ? sideBySide(html) : html)
    }

    /// The two inputs' names: a CSV table's feature columns ("(normalised)" when they were), else x₁ and x₂.
    func planeAxes(_ label: String) -> (String, String) {
        let data = (spec.variants.first { $0.label == label } ?? spec.variants.first)?.data
        guard let names = data?.csv?.features, names.count == 2 else { return ("x₁", "x₂") }
        let suffix = data?.normalize == Normalization.none ? "" : " (normalised)"
        return (names[0] + suffix, names[1] + suffix)
    }

    /// The training points Execute drew from the variant's data (XOR's corners, a 2-D set's points); `value` is the class.
    func trainingPoints(_ label: String) -> [HeatmapPoint] {
        let points = outcome.variants.first { $0.label == label }?.trainingPoints ?? []
        return points.map { HeatmapPoint(x: $0.x, y: $0.y, value: Double($0.label)) }
    }
}
