// A regression's reports (summary in the target's units, predicted against actual, inline -rmse/-r2) and the
// class regions of a surface over more than two classes.
import Blocks
import Engine
import Execute
import Foundation
import LabbookCore
import Outcomes
import Testing
import Vocabulary
@testable import Render

@Suite struct RegressionReportTests {
    static func regressionResult(rmse: Double) -> TrainingResult {
        var r = VariantReportTests.result(0.02, validation: true)
        r.final.trainAccuracy = 0
        r.final.validationAccuracy = 0
        var reg = RegressionResult(train: RegressionMetrics(mse: 0.25 * rmse * rmse, rmse: 0.5 * rmse, mae: 0.4 * rmse, r2: 0.99),
                                   validation: RegressionMetrics(mse: rmse * rmse, rmse: rmse, mae: 0.8 * rmse, r2: 0.97))
        reg.split = "validation"
        reg.actual = [8, 10, 12]
        reg.predicted = [8.5, 9.5, 12.25]
        reg.feature = [-1, 0, 1]
        reg.featureName = "x"
        reg.curve = FittedCurve(x: [-1.1, 0, 1.1], y: [8, 10, 12])
        r.regression = reg
        return r
    }

    static let regressionBlock = """
    id: wave
    data: {source: csv, path: data/wave.csv, label: y}
    model: {hidden: [8]}
    loss: mse
    sweep:
      loss: [mse, huber]
    show: [summary, predictions]
    """

    @Test func summaryGivesErrorsPerSplitInTheTargetsUnits() throws {
        let ctx = try VariantReportTests.context(Self.regressionBlock, [Self.regressionResult(rmse: 1.5), Self.regressionResult(rmse: 0.25)])
        let html = ctx.summary().html.string
        for head in ["<th>split</th>", ">MSE</th>", ">RMSE</th>", ">MAE</th>", ">R²</th>"] { #expect(html.contains(head), "\(head)") }
        #expect(!html.contains("acc."), "no accuracy columns for a regression")
        // One row per variant and split; the RMSE column keeps one number of decimals (4 significant digits of its largest, 1.5).
        #expect(html.components(separatedBy: "<tr>").count == 1 + 1 + 4)
        #expect(html.contains("<td class=\"num\">1.500</td>") && html.contains("<td class=\"num\">0.250</td>"))
        #expect(html.contains("units of &#39;y&#39;") && html.contains("standardised target"))
    }

    @Test func predictionsArePredictedAgainstActualAndTheFittedCurve() throws {
        let ctx = try VariantReportTests.context(Self.regressionBlock, [Self.regressionResult(rmse: 1.5), Self.regressionResult(rmse: 0.25)])
        let html = ctx.predictions(chartID: "wave-1").html.string
        #expect(html.contains("Predicted against actual y — mse") && html.contains("Predicted against actual y — huber"))
        #expect(html.contains("Fitted y against x — mse"))
        #expect(html.components(separatedBy: "<svg").count == 5, "two charts per variant")
        #expect(html.contains(">validation example</li>") && !html.contains("P(class 1)"))
    }

    @Test func inlineResultsGiveRegressionMetricsAndRefuseAccuracy() throws {
        let outcome = BlockOutcome(variants: [VariantOutcome(label: "", training: Self.regressionResult(rmse: 0.123456))])
        func value(_ q: String) -> Result<String, ReferenceError> {
            InlineResults.evaluate(ResultReference(chapter: nil, block: "wave", variant: nil, quantity: q, arguments: []), in: outcome)
        }
        #expect(try value("validation-rmse").get() == "0.1235")
        #expect(try value("validation-r2").get() == "0.970")
        #expect(try value("train-mae").get() == "0.04938")
        guard case .failure(let e) = value("test-rmse") else { Issue.record("no test split"); return }
        #expect(e.message.contains("not computed"))
        guard case .failure(let acc) = value("validation-accuracy") else { Issue.record("accuracy of a regression"); return }
        #expect(acc.message == "block 'wave' is a regression: it has no accuracy" && acc.hint == "use validation-rmse, -mae or -r2")
        // And a classifier asked for an RMSE says why not.
        let classifier = BlockOutcome(variants: [VariantOutcome(label: "", training: VariantReportTests.result(0.1))])
        guard case .failure(let c) = InlineResults.evaluate(ResultReference(chapter: nil, block: "c", variant: nil, quantity: "test-rmse", arguments: []),
                                                            in: classifier) else { Issue.record("rmse of a classifier"); return }
        #expect(c.message.contains("needs a regression"))
    }

    /// Blobs with 3 classes: the surface is the class regions with the points in their class's colour; 2 classes stay P(class 1).
    @Test func moreThanTwoClassesDrawClassRegions() throws {
        var r = VariantReportTests.result(0.1, grid: true)
        r.predictionGrid?.classes = [0, 1, 2, 2]
        r.predictionGrid?.confidence = [0.9, 0.5, 0.4, 1]
        r.predictionGrid?.classCount = 3
        var ctx = try VariantReportTests.context("id: b\ndata: {source: blobs, samples: 30, classes: 3}\nmodel: {hidden: [4]}\nshow: [predictions]\n", [r])
        // The points a run attaches (Execute: PageNumbersTests), one of each class.
        ctx.outcome.variants[0].trainingPoints = (0..<3).map { PlanePoint(x: 0.25 * Double($0 + 1), y: 0.5, label: $0) }
        let html = ctx.predictions(chartID: "b-0").html.string
        #expect(html.contains("Most probable class") && !html.contains("P(class 1)"))
        for k in 0..<3 { #expect(html.contains(">class \(k)</li>")) }
        #expect(html.contains("fill=\"#009E73\" stroke=\"#000\""), "blob 2's training points")
        r.predictionGrid?.classNames = ["setosa", "versicolor", "virginica"]
        let named = try VariantReportTests.context("id: b\ndata: {source: blobs, samples: 30, classes: 3}\nmodel: {hidden: [4]}\nshow: [predictions]\n", [r])
        #expect(named.predictions(chartID: "b-0").html.string.contains(">virginica</li>"), "the data's class names when it has them")
        let two = try VariantReportTests.context("id: m\ndata: {source: moons, samples: 30}\nmodel: {hidden: [4]}\nshow: [predictions]\n",
                                                 [VariantReportTests.result(0.1, grid: true)])
        #expect(two.predictions(chartID: "m-0").html.string.contains("Predicted probability of class 1"))
    }
}
