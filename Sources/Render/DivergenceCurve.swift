// A diverged run's loss up to the divergence, drawn under the block's error box so the author sees how it blew up.
import Charts
import LabbookCore

extension ReportContext {
    /// The loss per iteration (as recorded) of every diverged variant, with a note saying where it became
    /// non-finite; per epoch when fewer than two iterations were recorded. Empty when no variant diverged.
    /// With `withSurvivors` (`expect: divergence`) the variants that trained to the end are drawn beside them.
    func divergenceCurve(chartID: String, withSurvivors: Bool = false) -> String {
        let diverged = trained.filter { $0.result.divergence != nil }
        guard !diverged.isEmpty else { return "" }
        let drawn = withSurvivors ? trained : diverged
        var series: [Series] = []
        var notes: [String] = []
        var perIteration = true
        for (label, r) in diverged {
            let points = r.iterations.filter { $0.loss.isFinite }
            if points.count < 2 && r.epochs.count >= 2 { perIteration = false }
            if let d = r.divergence {
                let name = label.isEmpty ? "The loss" : "\(label): the loss"
                notes.append("\(name) became \(NumberFormat.compact(d.loss)) at iteration \(d.iteration) (epoch \(d.epoch)).")
            }
        }
        for (label, r) in drawn {
            let name = label.isEmpty ? "training" : (r.divergence != nil && withSurvivors ? "\(label) (diverged)" : label)
            if perIteration {
                let points = r.iterations.filter { $0.loss.isFinite }
                series.append(Series(label: name, xs: points.map { Double($0.iteration) }, ys: points.map(\.loss)))
            } else {
                series.append(Series(label: name, values: r.epochs.map(\.trainLoss).filter(\.isFinite)))
            }
        }
        let spec = LineChartSpec(id: chartID, title: "Loss up to the divergence", xLabel: perIteration ? "iteration" : "epoch",
                                 yLabel: "loss", yScale: withSurvivors ? .log10 : .linear, panels: [LinePanel(series: series)])
        var html = "<div class=\"report divergence\">\n" + Chart.line(spec)
        let recorded = diverged[0].result.iterations
        if perIteration, recorded.count >= 2 {
            notes.append("Recorded every \(recorded[1].iteration - recorded[0].iteration) iterations (train.record-every).")
        }
        html += note(notes.joined(separator: " "))
        return html + "</div>\n"
    }
}
