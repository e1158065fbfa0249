// Loss and accuracy curves: which splits are drawn, and a title that names them (per epoch or per iteration).
import Blocks
import Charts
import LabbookCore
import Outcomes

extension ReportContext {
    /// Per iteration: the minibatch training loss, one line per variant. Per epoch: the splits asked for
    /// (`split:`), else training and validation for one run, and for a sweep validation when every variant
    /// has it, else training. A sweep with several splits gets one panel per split, a line per variant.
    func lossOrAccuracy(_ c: CurveReport, _ runs: [(label: String, result: TrainingResult)], chartID: String) -> RenderedReport {
        let isLoss = c.of == .loss
        let quantity = isLoss ? "loss" : "accuracy"
        let yScale: Scale = c.logScale == true ? .log10 : .linear
        if c.per == .iteration {
            let series = runs.map { label, r in
                Series(label: variantName(label), xs: r.iterations.map { Double($0.iteration) }, ys: r.iterations.map(\.loss))
            }
            let spec = LineChartSpec(id: chartID, title: "Training loss per iteration (minibatch)", xLabel: "iteration",
                                     yLabel: "loss", yScale: yScale, panels: [LinePanel(series: series)])
            return RenderedReport(html: chartSection(Chart.line(spec)))
        }
        func values(_ r: TrainingResult, _ split: CurveSplit) -> [Double]? {
            switch split {
            case .train: return r.epochs.map { isLoss ? $0.trainLoss : $0.trainAccuracy * 100 }
            case .validation:
                let v = r.epochs.compactMap { isLoss ? $0.validationLoss : $0.validationAccuracy.map { $0 * 100 } }
                return v.count == r.epochs.count && !v.isEmpty ? v : nil
            }
        }
        let everyVariantValidates = runs.allSatisfy { values($0.result, .validation) != nil }
        let splits = c.splits ?? (multi ? [everyVariantValidates ? .validation : .train] : [.train, .validation])
        let drawn = splits.filter { s in runs.contains { values($0.result, s) != nil } }
        var panels: [LinePanel] = []
        if multi && drawn.count > 1 {
            panels = drawn.map { s in
                LinePanel(title: splitName(s), series: runs.compactMap { label, r in values(r, s).map { Series(label: variantName(label), values: $0) } })
            }
        } else if multi {
            panels = [LinePanel(series: runs.compactMap { label, r in drawn.first.flatMap { values(r, $0) }.map { Series(label: variantName(label), values: $0) } })]
        } else {
            panels = [LinePanel(series: runs.flatMap { _, r in drawn.compactMap { s in values(r, s).map { Series(label: splitName(s), values: $0) } } })]
        }
        let names = drawn.map(splitName)
        let which = names.isEmpty ? quantity : (names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? ""))
        let title = names.isEmpty ? quantity.capitalizedFirst + " per epoch" : "\(which.capitalizedFirst) \(quantity) per epoch"
        let spec = LineChartSpec(id: chartID, title: title, xLabel: "epoch", yLabel: isLoss ? "loss" : "accuracy (%)", yScale: yScale,
                                 panels: panels)
        var html = Chart.line(spec)
        let missing = (c.splits ?? []).filter { !drawn.contains($0) }
        if !missing.isEmpty {
            html += note("No \(missing.map(splitName).joined(separator: " or ")) \(quantity) was recorded (the data has no such split).")
        }
        return RenderedReport(html: chartSection(html))
    }

    func splitName(_ s: CurveSplit) -> String { s == .train ? "training" : "validation" }
}
