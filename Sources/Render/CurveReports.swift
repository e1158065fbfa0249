// `curve` reports: training curves, gradient traces, RNN gradient norms and the learning rate, as line charts.
import Blocks
import Charts
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

extension ReportContext {
    func curve(_ c: CurveReport, chartID: String) -> RenderedReport {
        // The recurrent probe: gradient norm reaching each time step, one line per weight scale.
        if let probe = outcome.variants.compactMap(\.recurrent).first {
            let series = probe.series.map { s in
                Series(label: "weight scale \(NumberFormat.compact(s.weightScale))", values: s.gradientNorms, firstX: 0, stepX: 1)
            }
            let spec = LineChartSpec(id: chartID, title: "Gradient norm reaching each time step",
                                     xLabel: "time step t (the loss is at the last step)", yLabel: "‖∂L/∂hₜ‖", yScale: .log10,
                                     panels: [LinePanel(series: series)])
            return RenderedReport(html: chartSection(Chart.line(spec)))
        }
        let runs = trained
        guard !runs.isEmpty else { return RenderedReport(html: section("Curve", note("No training run in this block."))) }

        switch c.of {
        case .loss, .accuracy:
            return lossOrAccuracy(c, runs, chartID: chartID)

        case .meanAbsGradient where c.per == .layer, .gradientNorm where c.per == .layer:
            // One line per variant across the layers, from the first record (before any update).
            let isMean = c.of == .meanAbsGradient
            let series = runs.map { label, r in
                let v = r.iterations.first.map { isMean ? $0.meanAbsGradient : $0.gradientNorm } ?? []
                // Positions are dense layers; the layer list names them by entry (gradientLayers).
                let numbers = r.gradientLayers ?? Array(v.indices)
                let positions = v.indices.filter { c.layers?.contains(numbers[$0]) ?? true }
                return Series(label: variantName(label), xs: positions.map { Double(numbers[$0]) }, ys: positions.map { v[$0] })
            }
            let title = isMean ? "Mean |gradient| per layer at initialisation" : "Gradient norm per layer at initialisation"
            let spec = LineChartSpec(id: chartID, title: title, xLabel: "layer (0 reads the input)",
                                     yLabel: isMean ? "mean |∂L/∂W|" : "‖∂L/∂W‖", yScale: .log10, panels: [LinePanel(series: series)],
                                     markers: true)
            return RenderedReport(html: chartSection(Chart.line(spec)))

        case .lr:
            // The rate each epoch trained with; without a schedule, the optimizer's throughout.
            let variants = self.spec.variants
            var series: [Series] = []
            for (label, r) in runs {
                let job = variants.first { $0.label == label }?.job
                let base: Double = job.map { Double($0.optimizer.learningRate) } ?? .nan
                let values: [Double] = r.epochs.map { $0.learningRate ?? base }
                series.append(Series(label: multi ? variantName(label) : "learning rate", values: values))
            }
            let chart = LineChartSpec(id: chartID, title: "Learning rate per epoch", xLabel: "epoch", yLabel: "learning rate",
                                      yScale: .linear, panels: [LinePanel(series: series)])
            return RenderedReport(html: chartSection(Chart.line(chart)))

        case .meanAbsGradient, .gradientNorm:
            let isMean = c.of == .meanAbsGradient
            var panels: [LinePanel] = []
            for (label, r) in runs {
                let layerCount = r.layerWidths.count
                let numbers = r.gradientLayers ?? Array(0..<layerCount)
                let positions = numbers.indices.filter { c.layers?.contains(numbers[$0]) ?? true }
                let xs = r.iterations.map { Double($0.iteration) }
                let series = positions.map { pos in
                    let l = numbers[pos]
                    return Series(label: l == layerCount - 1 ? "layer \(l) (output)" : "layer \(l)", xs: xs,
                                  ys: r.iterations.map { rec in
                                      let v = isMean ? rec.meanAbsGradient : rec.gradientNorm
                                      return pos < v.count ? v[pos] : .nan
                                  })
                }
                panels.append(LinePanel(title: multi ? variantName(label) : "", series: series))
            }
            let title = isMean ? "Mean |gradient| per layer" : "Gradient norm per layer"
            let spec = LineChartSpec(id: chartID, title: title, xLabel: "iteration",
                                     yLabel: isMean ? "mean |∂L/∂W|" : "‖∂L/∂W‖", yScale: .log10, panels: panels)
            return RenderedReport(html: chartSection(Chart.line(spec)))
        }
    }
}
