// A regression's reports: the summary's errors in the target's units, and predictions against the targets.
import Blocks
import Charts
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

extension ReportContext {
    /// True when the block trains on a regression target (its runs carry regression metrics).
    var isRegression: Bool { trained.contains { $0.result.regression != nil } }

    /// The CSV label column that is the target, for axis labels ("quality"); "target" when unknown.
    var targetName: String { spec.data?.csv?.label ?? "target" }

    /// One row per split (and variant): the loss the run minimised, then MSE, RMSE, MAE in the target's units and R².
    func regressionSummary() -> RenderedReport {
        let runs = trained
        let splits: [(String, (RegressionResult) -> RegressionMetrics?, (FinalMetrics) -> Double?)] = [
            ("train", { $0.train }, { $0.trainLoss }),
            ("validation", { $0.validation }, { $0.validationLoss }),
            ("test", { $0.test }, { $0.testLoss }),
        ]
        var rows: [(label: String, run: TrainingResult, split: String, loss: Double?, m: RegressionMetrics)] = []
        for (label, r) in runs {
            guard let reg = r.regression else { continue }
            for (name, metric, loss) in splits { if let m = metric(reg) { rows.append((label, r, name, loss(r.final), m)) } }
        }
        // Errors in the target's units: one number of decimals per column, four significant digits for its largest value.
        func decimals(_ values: [Double]) -> Int {
            let top = values.filter(\.isFinite).map(abs).max() ?? 0
            return top > 0 ? min(6, max(0, 3 - Int(floor(log10(top))))) : 2
        }
        let mseD = decimals(rows.map(\.m.mse)), rmseD = decimals(rows.map(\.m.rmse)), maeD = decimals(rows.map(\.m.mae))
        var head: [TableCell] = multi ? [.name(variantHeader)] : []
        head += [.name("split"), .num("loss"), .num("MSE"), .num("RMSE"), .num("MAE"), .num("R²"),
                 .num("epochs"), .num("best epoch"), .num("parameters")]
        let body: [[TableCell]] = rows.map { row in
            var cells: [TableCell] = multi ? [.name(row.label)] : []
            cells += [.name(row.split), .num(row.loss.map { NumberFormat.fixed($0, 4) } ?? "–"), .num(NumberFormat.fixed(row.m.mse, mseD)),
                      .num(NumberFormat.fixed(row.m.rmse, rmseD)), .num(NumberFormat.fixed(row.m.mae, maeD)), .num(NumberFormat.fixed(row.m.r2, 3)),
                      .num("\(row.run.epochsRun)"), .num(row.run.bestEpoch == 0 ? "–" : "\(row.run.bestEpoch)"),
                      .num(NumberFormat.grouped(row.run.parameters))]
            return cells
        }
        let standardised = spec.data?.csv?.target == .standard
        let text = "MSE, RMSE and MAE are in the units of '\(targetName)'; R² is 1 − Σ(ŷ − y)² / Σ(y − ȳ)² on each split. "
            + (standardised ? "The loss is the training objective on the standardised target ((y − mean) / std of the training split)."
                            : "The loss is the training objective on the target as written.")
        let summary = ReportTable(head: head, rows: body)
        return RenderedReport(html: section("Summary", summary.markup + note(text)), tables: [summary])
    }

    /// Predicted against actual (one per variant), and for one-feature data the fitted curve over the data.
    func regressionPredictions(chartID: String) -> RenderedReport {
        let runs = trained.filter { $0.result.regression?.predicted != nil }
        guard !runs.isEmpty else { return RenderedReport(html: section("Predictions", note("No predictions were recorded."))) }
        var charts: [Markup] = []
        for (k, (label, r)) in runs.enumerated() {
            guard let reg = r.regression, let actual = reg.actual, let predicted = reg.predicted else { continue }
            let suffix = multi ? " — \(variantName(label))" : ""
            let split = reg.split ?? "test"
            let id = runs.count > 1 ? "\(chartID)-v\(k)" : chartID
            let pairs = zip(actual, predicted).map { Point($0, $1) }
            let lo = min(actual.min() ?? 0, predicted.min() ?? 0), hi = max(actual.max() ?? 1, predicted.max() ?? 1)
            charts.append(Chart.scatter(ScatterSpec(
                id: id, title: "Predicted against actual \(targetName)\(suffix)", xLabel: "actual \(targetName)",
                yLabel: "predicted \(targetName)", points: pairs, pointLabel: "\(split) example",
                lines: [Series(label: "perfect prediction (y = x)", points: [Point(lo, lo), Point(hi, hi)])], lineStyles: [8], equalAxes: true)))
            if let curve = reg.curve, let feature = reg.feature {
                let name = reg.featureName ?? "feature"
                charts.append(Chart.scatter(ScatterSpec(
                    id: "\(id)-fit", title: "Fitted \(targetName) against \(name)\(suffix)", xLabel: name, yLabel: targetName,
                    points: zip(feature, actual).map { Point($0, $1) }, pointLabel: "\(split) example",
                    lines: [Series(label: "model's prediction", points: zip(curve.x, curve.y).map { Point($0, $1) })], lineStyles: [3])))
            }
        }
        // Side by side, as the decision surfaces of a sweep.
        let all = Markup.build { $0.append(contentsOf: charts) }
        return RenderedReport(html: charts.count > 1 ? sideBySide(all) : chartSection(all))
    }
}
