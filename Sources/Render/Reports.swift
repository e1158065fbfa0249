// Each `show` entry → HTML (tables here, charts through the Charts module) plus the numbers for JSON.
import Blocks
import Charts
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

struct RenderedReport {
    var html: Markup
    var data: [ReportData] = []
    /// The tables in `html`, as values: the figure's CSV downloads are written from these.
    var tables: [ReportTable] = []
}

struct ReportContext {
    var spec: ExperimentSpec
    var outcome: BlockOutcome
    var idPrefix: String

    var trained: [(label: String, result: TrainingResult)] {
        outcome.variants.compactMap { v in v.training.map { (v.label, $0) } }
    }
    var multi: Bool { outcome.variants.count > 1 }
    /// The first column of a table with one row per variant: the swept key's last part ("activation",
    /// "seed", "lr") when one key is swept, else "variant" (labels then read "key=value, …").
    var variantHeader: String {
        guard spec.sweep.count == 1, !spec.sweepLabelled, let last = spec.sweep[0].key.split(separator: ".").last else { return "variant" }
        return String(last)
    }

    func render(_ report: Report, index: Int) -> RenderedReport {
        let chartID = "\(idPrefix)-\(index)"
        switch report {
        case .summaryTable: return summary()
        case .histogram(let h): return histogram(h, chartID: chartID)
        case .curve(let c): return curve(c, chartID: chartID)
        case .deadNeurons(let when): return deadNeurons(when)
        case .gradientCheck: return gradientCheck()
        case .predictions: return predictions(chartID: chartID)
        case .function(let f): return function(f, index: index, chartID: chartID)
        case .filters(let layer, let when): return filters(layer: layer, when: when, chartID: chartID)
        case .featureMaps(let layer, _): return featureMaps(layer: layer, chartID: chartID)
        }
    }

    func variantName(_ label: String) -> String { label.isEmpty ? "run" : label }

    // MARK: Summary table

    func summary() -> RenderedReport {
        let runs = trained
        guard !runs.isEmpty else { return RenderedReport(html: section("Summary", note("No training run in this block."))) }
        if isRegression { return regressionSummary() }
        let hasVal = runs.contains { $0.result.final.validationAccuracy != nil }
        let hasTest = runs.contains { $0.result.final.testAccuracy != nil }
        var head: [TableCell] = multi ? [.name(variantHeader)] : []
        head += [.num("train loss"), .num("train acc.")]
        if hasVal { head += [.num("val. loss"), .num("val. acc.")] }
        if hasTest { head += [.num("test loss"), .num("test acc.")] }
        head += [.num("epochs"), .num("best epoch"), .num("parameters")]
        var rows: [[TableCell]] = []
        for (label, r) in runs {
            let f = r.final
            var row: [TableCell] = multi ? [.name(label)] : []
            row += [.num(NumberFormat.fixed(f.trainLoss, 4)), .num(NumberFormat.percent(f.trainAccuracy))]
            if hasVal {
                row.append(.num(f.validationLoss.map { NumberFormat.fixed($0, 4) } ?? "–"))
                row.append(.num(f.validationAccuracy.map { NumberFormat.percent($0) } ?? "–"))
            }
            if hasTest {
                row.append(.num(f.testLoss.map { NumberFormat.fixed($0, 4) } ?? "–"))
                row.append(.num(f.testAccuracy.map { NumberFormat.percent($0) } ?? "–"))
            }
            row += [.num("\(r.epochsRun)"), .num(r.bestEpoch == 0 ? "–" : "\(r.bestEpoch)"), .num(NumberFormat.grouped(r.parameters))]
            rows.append(row)
        }
        let summary = ReportTable(head: head, rows: rows)
        var body = summary.markup
        if runs.contains(where: { $0.result.divergence != nil }) {
            body += note("Runs marked by a divergence stopped early; their numbers are from the last finite step.")
        }
        return RenderedReport(html: section("Summary", body), tables: [summary])
    }

    // MARK: Histograms

    func histogram(_ h: HistogramReport, chartID: String) -> RenderedReport {
        let runs = trained
        guard !runs.isEmpty else { return RenderedReport(html: section("Histogram", note("No training run in this block."))) }
        // Each run's own layers: the variants of a `model.layers` sweep need not have the same entries.
        func panels(_ r: TrainingResult) -> (layers: [Int], columns: [String]) {
            let layerCount = r.layerWidths.count
            var layers = (h.layers ?? Array(0..<layerCount)).filter { $0 >= 0 && $0 < layerCount }
            if r.layerKinds != nil, h.layers == nil {
                // Layer list, `layers: all`: the entries that have this quantity (weights and gradients: dense layers only).
                layers = layers.filter { l in r.snapshots.first?.layers.contains { $0.layer == l && !quantity(h.of, $0).isEmpty } ?? false }
            }
            let columns = layers.map { l in
                if let kinds = r.layerKinds, l < kinds.count { return l == layerCount - 1 ? "Layer \(l) (\(kinds[l]), output)" : "Layer \(l) (\(kinds[l]))" }
                return l == layerCount - 1 ? "Layer \(l) (output)" : "Layer \(l)"
            }
            return (layers, columns)
        }
        var moments: [Moment] = []
        switch h.when {
        case .initial: moments = [.initial]
        case .trained: moments = [.trained]
        case .both: moments = [.initial, .trained]
        }
        if !runs.contains(where: { $0.result.snapshots.contains { $0.moment == .trained } }) {
            moments.removeAll { $0 == .trained }
            if moments.isEmpty { moments = [.initial] }
        }
        let runPanels = runs.map { panels($0.result) }
        var rows: [String] = []
        var values: [[[Double]]] = []
        var owner: [Int] = []
        for (k, (label, r)) in runs.enumerated() {
            for m in moments {
                guard let snap = r.snapshots.first(where: { $0.moment == m }) else { continue }
                let momentName = m == .initial ? "At initialisation" : "After training"
                rows.append(multi ? "\(label) · \(momentName.lowercased())" : momentName)
                owner.append(k)
                values.append(runPanels[k].layers.map { l in
                    guard let sample = snap.layers.first(where: { $0.layer == l }) else { return [] }
                    return quantity(h.of, sample)
                })
            }
        }
        let (title, xLabel) = histogramLabels(h.of)
        // Shared axes span the 0.1–99.9 % quantiles of all panels, so a handful of extreme values
        // (denormal gradients give log10 near −45) do not squeeze every distribution into one bin.
        let shared = h.sharedAxes ? robustRange(values.flatMap { $0.flatMap { $0 } }) : nil
        var html = Markup()
        if multi {
            // A sweep: one figure per variant (moments × layers), all on the same axes, so that at 1200 px
            // each panel keeps its size and its title instead of shrinking into one grid of every variant.
            for (k, (label, _)) in runs.enumerated() {
                let mine = rows.indices.filter { owner[$0] == k }
                guard !mine.isEmpty else { continue }
                let spec = HistogramSpec(id: "\(chartID)-v\(k)", title: "\(title) — \(variantName(label))", xLabel: xLabel, yLabel: "% of values",
                                         rows: mine.map { rows[$0].replacingOccurrences(of: "\(label) · ", with: "").capitalizedFirst },
                                         columns: runPanels[k].columns, values: mine.map { values[$0] }, bins: h.bins, sharedAxes: h.sharedAxes,
                                         range: shared, percent: true)
                html += chartSection(Chart.histogram(spec))
            }
        } else {
            let spec = HistogramSpec(id: chartID, title: title, xLabel: xLabel, yLabel: "% of values", rows: rows, columns: runPanels[0].columns,
                                     values: values, bins: h.bins, sharedAxes: h.sharedAxes, range: shared, percent: true)
            html = chartSection(Chart.histogram(spec))
        }
        var data: [ReportData] = []
        for (ri, row) in values.enumerated() {
            for (ci, v) in row.enumerated() {
                guard let range = shared ?? Histogram.range(of: v) else { continue }
                data.append(ReportData(report: "histogram:\(h.of.rawValue)", variant: rows[ri], moment: nil, layer: runPanels[owner[ri]].layers[ci],
                                       edges: Histogram.edges(range: range, bins: h.bins),
                                       counts: Histogram.bin(v, range: range, bins: h.bins)))
            }
        }
        return RenderedReport(html: html, data: data)
    }

    func robustRange(_ values: [Double]) -> ClosedRange<Double>? {
        let finite = values.filter(\.isFinite).sorted()
        guard let first = finite.first, let last = finite.last else { return nil }
        let lo = finite[Int(Double(finite.count - 1) * 0.001)]
        let hi = finite[Int((Double(finite.count - 1) * 0.999).rounded(.up))]
        if lo < hi { return lo...hi }
        return first < last ? first...last : nil
    }

    func quantity(_ q: HistogramQuantity, _ s: LayerSample) -> [Double] {
        switch q {
        case .weights: return s.weights.map(Double.init)
        case .activations: return s.activations.map(Double.init)
        case .gradients: return s.gradients.map(Double.init)
        case .log10AbsGradients: return s.gradients.map { log10(Double(abs($0))) }
        }
    }

    func histogramLabels(_ q: HistogramQuantity) -> (String, String) {
        switch q {
        case .weights: ("Weights per layer", "weight")
        case .activations: ("Activations per layer", "activation")
        case .gradients: ("Weight gradients per layer", "∂L/∂w")
        case .log10AbsGradients: ("Gradient magnitudes per layer", "log₁₀ |∂L/∂w|")
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
