// Line-chart reports: training curves, gradient traces, RNN gradient norms, and function plots.
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

    // MARK: Function plots (no training; Execute sampled them)

    func function(_ f: FunctionReport, index: Int, chartID: String) -> RenderedReport {
        let curves = outcome.functionPlots.first { $0.report == index }?.curves ?? []
        let values = curves.map { Series(label: $0.name, xs: $0.xs, ys: $0.values) }
        let derivatives = curves.map { Series(label: $0.name, xs: $0.xs, ys: $0.derivatives) }
        if !f.losses.isEmpty {
            // Losses against the residual; `derivatives` shows only the gradients, `losses` both side by side.
            let onlyGradients = f.of == .derivatives
            let panels = onlyGradients ? [LinePanel(series: derivatives)]
                : [LinePanel(title: "loss", series: values), LinePanel(title: "gradient ∂loss/∂ŷ", series: derivatives)]
            let title = onlyGradients ? "Gradients of the losses" : "Losses and their gradients"
            let spec = LineChartSpec(id: chartID, title: title, xLabel: "residual r = ŷ − y",
                                     yLabel: onlyGradients ? "∂loss/∂ŷ" : "value", panels: panels, sharedY: false)
            return RenderedReport(html: chartSection(Chart.line(spec)))
        }
        let derivative = f.of == .derivatives
        let title = derivative ? "Derivatives of the activation functions" : "Activation functions"
        let spec = LineChartSpec(id: chartID, title: title, xLabel: "x", yLabel: derivative ? "f′(x)" : "f(x)",
                                 panels: [LinePanel(series: derivative ? derivatives : values)])
        return RenderedReport(html: chartSection(Chart.line(spec)))
    }

    // MARK: Dead neurons, gradient check, decision surface

    func deadNeurons(_ when: MomentChoice) -> RenderedReport {
        let runs = trained
        guard !runs.isEmpty else { return RenderedReport(html: section("Dead neurons", note("No training run in this block."))) }
        var html = ""
        for (label, r) in runs {
            let hasTrained = r.deadNeurons.contains { $0.moment == .trained }
            let showInit = when != .trained || !hasTrained
            let showTrained = when != .initial && hasTrained
            var head = "<tr><th>layer</th><th class=\"num\">units</th>"
            if showInit { head += "<th class=\"num\">dead at init</th><th class=\"num\">%</th>" }
            if showTrained { head += "<th class=\"num\">dead after training</th><th class=\"num\">%</th>" }
            head += "</tr>\n"
            var rows = ""
            let layers = Array(Set(r.deadNeurons.map(\.layer))).sorted()
            for l in layers {
                let i = r.deadNeurons.first { $0.layer == l && $0.moment == .initial }
                let t = r.deadNeurons.first { $0.layer == l && $0.moment == .trained }
                rows += "<tr><td>hidden layer \(l)</td>" + num("\((i ?? t)?.units ?? 0)")
                if showInit { rows += cells(i) }
                if showTrained { rows += cells(t) }
                rows += "</tr>\n"
            }
            let caption = multi ? "<p class=\"report-note\">\(Escape.html(variantName(label)))</p>\n" : ""
            html += caption + "<div class=\"table-wrap\"><table>\n<thead>\(head)</thead>\n<tbody>\n\(rows)</tbody>\n</table></div>\n"
        }
        html += note("A unit is dead when its output is exactly 0 for every training example.")
        return RenderedReport(html: section("Dead neurons", html))
    }

    func cells(_ d: DeadNeuronRecord?) -> String {
        guard let d else { return num("–") + num("–") }
        let pct = d.units > 0 ? Double(d.dead) / Double(d.units) : 0
        return num(NumberFormat.grouped(d.dead)) + num(NumberFormat.fixed(pct * 100, 1) + " %")
    }

    /// One table per variant, each under the variant's name when the block is a sweep.
    func gradientCheck() -> RenderedReport {
        let runs = trained.filter { $0.result.gradientCheck != nil }
        guard !runs.isEmpty else {
            return RenderedReport(html: section("Gradient check", note("No gradient check was computed.")))
        }
        var body = ""
        for (label, r) in runs {
            guard let rows = r.gradientCheck else { continue }
            var tbody = ""
            for row in rows {
                let ok = row.maxRelativeDifference < 1e-7
                tbody += "<tr><td>layer \(row.layer)</td>" + num(NumberFormat.grouped(row.parameters))
                tbody += num(String(format: "%.2e", row.maxRelativeDifference)) + "<td>\(ok ? "yes" : "no")</td></tr>\n"
            }
            let head = "<tr><th>layer</th><th class=\"num\">parameters</th><th class=\"num\">max relative difference</th><th>below 10⁻⁷</th></tr>\n"
            if multi { body += "<p class=\"report-note variant-name\">\(Escape.html(variantName(label)))</p>\n" }
            body += "<div class=\"table-wrap\"><table>\n<thead>\(head)</thead>\n<tbody>\n\(tbody)</tbody>\n</table></div>\n"
        }
        body += note("Backpropagation against central differences, both in Float64: |a − n| / max(|a| + |n|, 10⁻¹²).")
        return RenderedReport(html: section("Gradient check", body))
    }

    /// One decision surface per variant, each titled with the variant's name in a sweep; the training points
    /// of a generated 2-D set are drawn on top (at most 200, two classes).
    func predictions(chartID: String) -> RenderedReport {
        let runs = trained.filter { $0.result.predictionGrid != nil }
        guard !runs.isEmpty else {
            return RenderedReport(html: section("Decision surface", note("Predictions need a trained model with 2-D inputs.")))
        }
        var html = ""
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
            html = "<div class=\"report variants\" style=\"display:grid;gap:0 1.5rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr))\">\n"
                + html + "</div>\n"
        }
        return RenderedReport(html: html)
    }

    /// The training points Execute drew from the variant's data (XOR's corners, a two-class 2-D set's points).
    func trainingPoints(_ label: String) -> [HeatmapPoint] {
        let points = outcome.variants.first { $0.label == label }?.trainingPoints ?? []
        return points.map { HeatmapPoint(x: $0.x, y: $0.y, value: Double($0.label)) }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
