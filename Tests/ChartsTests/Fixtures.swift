// Chart specs for the golden files: deterministic synthetic data shaped like the book's experiments.
import Foundation
@testable import Charts

enum Fixtures {
    static let activations = ["sigmoid", "tanh", "relu", "leaky-relu", "prelu", "elu", "gelu", "swish", "mish"]

    /// Deterministic standard normal samples (LCG + Box–Muller), so goldens never depend on a platform RNG.
    static func normals(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        return (0..<n).map { _ in
            let (u, v) = (uniform(), uniform())
            return (-2 * Foundation.log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// Loss per epoch for nine activations, one line each, with a legend.
    static var lineWithLegend: LineChartSpec {
        let series = activations.enumerated().map { k, name in
            let a = 0.7 - 0.05 * Double(k), tau = 2 + Double(k % 4), floor = 0.25 + 0.02 * Double(k)
            return Series(label: name, values: (0..<20).map { e in a * exp(-Double(e) / tau) + floor })
        }
        return LineChartSpec(id: "loss-per-activation", title: "Validation loss per epoch",
                             xLabel: "epoch", yLabel: "loss", series: series)
    }

    /// Mean |gradient| per layer on a log axis, sigmoid vs relu side by side; includes a NaN (breaks
    /// the line) and a zero (skipped on the log axis).
    static var lineMultiplesLog: LineChartSpec {
        let layers = [0, 2, 4, 6, 8, 10]
        func panel(_ name: String, _ f: (Int, Double) -> Double) -> LinePanel {
            LinePanel(title: name, series: layers.map { l in
                var values = (0...50).map { f(l, Double($0) * 100) }
                if l == 4 { values[20] = .nan; values[30] = 0 }
                return Series(label: "layer \(l)", values: values, firstX: 0, stepX: 100)
            })
        }
        let sigmoid = panel("sigmoid") { l, it in pow(10, -7.5 + 0.7 * Double(l)) * (1.3 + sin(it / 700 + Double(l))) }
        let relu = panel("relu") { l, it in 0.02 * (1 + 0.1 * Double(l)) * (1.3 + sin(it / 500 + Double(l))) }
        return LineChartSpec(id: "mean-abs-gradient", title: "Mean |gradient| per layer", xLabel: "iteration",
                             yLabel: "mean |gradient|", yScale: .log10, panels: [sigmoid, relu])
    }

    /// Weights of layers 0, 3, 6, 10 at initialisation and after training: a 2 × 4 grid.
    static var histogramGrid: HistogramSpec {
        let layers = [0, 3, 6, 10]
        let initial = layers.map { l in normals(2000, seed: UInt64(l)).map { $0 * 0.2 } }
        let trained = layers.map { l in normals(2000, seed: UInt64(100 + l)).map { $0 * (0.2 + 0.03 * Double(l)) + 0.05 } }
        return HistogramSpec(id: "weights-histogram", title: "Weights per layer", xLabel: "weight",
                             rows: ["at initialisation", "after training"], columns: layers.map { "Layer \($0)" },
                             values: [initial, trained])
    }

    /// Seven layers at two moments: more than five columns, so the panels wrap four a line, layer by layer.
    static var histogramWide: HistogramSpec {
        let layers = Array(0..<7)
        let initial = layers.map { l in normals(300, seed: UInt64(200 + l)).map { $0 * 0.5 } }
        let trained = layers.map { l in normals(300, seed: UInt64(300 + l)).map { $0 * (0.5 + 0.1 * Double(l)) } }
        return HistogramSpec(id: "activations-wide", title: "Activations per layer — tanh", xLabel: "activation", yLabel: "% of values",
                             rows: ["At initialisation", "After training"], columns: layers.map { "Layer \($0)" },
                             values: [initial, trained], bins: 20, percent: true)
    }

    static func activation(_ name: String, _ x: Double) -> Double {
        let sigmoid = 1 / (1 + exp(-x))
        switch name {
        case "sigmoid": return sigmoid
        case "tanh": return tanh(x)
        case "relu": return max(0, x)
        case "leaky-relu": return x > 0 ? x : 0.1 * x
        case "prelu": return x > 0 ? x : 0.25 * x
        case "elu": return x > 0 ? x : exp(x) - 1
        case "gelu": return 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x * x * x)))
        case "swish": return x * sigmoid
        case "mish": return x * tanh(Foundation.log(1 + exp(x)))
        default: return .nan
        }
    }

    /// The activation zoo and its derivatives (central differences) on [−5, 5], two panels.
    static var functionPlot: LineChartSpec {
        let functions = activations.map { name in Series.sampling(label: name, over: -5...5, count: 101) { activation(name, $0) } }
        let derivatives = activations.map { name in
            Series.sampling(label: name, over: -5...5, count: 101) { x in (activation(name, x + 1e-5) - activation(name, x - 1e-5)) / 2e-5 }
        }
        return LineChartSpec(id: "activation-zoo", title: "Activation functions and their derivatives", xLabel: "x",
                             yLabel: "", panels: [LinePanel(title: "f(x)", series: functions),
                                                  LinePanel(title: "f′(x)", series: derivatives)], sharedY: false)
    }

    /// A decision surface for XOR on [−0.5, 1.5]² with the four training points.
    static var heatmap: HeatmapSpec {
        let n = 40
        let values = (0..<n).map { r in
            (0..<n).map { c -> Double in
                let x = -0.5 + 2 * (Double(c) + 0.5) / Double(n), y = -0.5 + 2 * (Double(r) + 0.5) / Double(n)
                let z = 8 * ((x - 0.5) * (y - 0.5)) * -1
                return 1 / (1 + exp(-z * 3))
            }
        }
        let points = [HeatmapPoint(x: 0, y: 0, value: 0), HeatmapPoint(x: 1, y: 1, value: 0),
                      HeatmapPoint(x: 0, y: 1, value: 1), HeatmapPoint(x: 1, y: 0, value: 1)]
        return HeatmapSpec(id: "xor-surface", title: "XOR: predicted probability", xLabel: "x₁", yLabel: "x₂",
                           xRange: -0.5...1.5, yRange: -0.5...1.5, values: values, points: points)
    }

    /// A regression's predictions against the targets (seeded noise around y = x) with the y = x reference.
    static var scatter: ScatterSpec {
        let actual = normals(60, seed: 5).map { 10 + 3 * $0 }
        let predicted = zip(actual, normals(60, seed: 6)).map { $0 + 0.4 * $1 }
        return ScatterSpec(id: "wave-pva", title: "Predicted against actual strength", xLabel: "actual strength", yLabel: "predicted strength",
                           points: zip(actual, predicted).map { Point($0, $1) }, pointLabel: "test example",
                           lines: [Series(label: "perfect prediction (y = x)", points: [Point(1, 1), Point(19, 19)])], lineStyles: [8],
                           equalAxes: true)
    }

    /// One feature: the points and the model's curve through them.
    static var scatterFit: ScatterSpec {
        let x = (0..<40).map { -3 + 6 * Double($0) / 39 }
        let noise = normals(40, seed: 7)
        return ScatterSpec(id: "wave-fit", title: "Fitted y against x", xLabel: "x", yLabel: "y",
                           points: zip(x, noise).map { Point($0, 2 * sin(1.5 * $0) + 0.1 * $1) }, pointLabel: "test example",
                           lines: [Series.sampling(label: "model's prediction", over: -3.3...3.3, count: 67) { 2 * sin(1.5 * $0) }],
                           lineStyles: [3])
    }

    /// Three classes in the plane: the class of the nearest of three centres, less certain near the borders.
    static var classRegions: ClassRegionSpec {
        let n = 30
        let centres = [(-1.0, -1.0), (1.0, -0.5), (0.0, 1.2)]
        var classes: [[Int]] = [], confidence: [[Double]] = []
        for r in 0..<n {
            var cr: [Int] = [], pr: [Double] = []
            for c in 0..<n {
                let x = -2 + 4 * (Double(c) + 0.5) / Double(n), y = -2 + 4 * (Double(r) + 0.5) / Double(n)
                let scores = centres.map { exp(-2 * ((x - $0.0) * (x - $0.0) + (y - $0.1) * (y - $0.1))) }
                let total = scores.reduce(0, +), best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
                cr.append(best)
                pr.append(scores[best] / total)
            }
            classes.append(cr)
            confidence.append(pr)
        }
        let points = centres.enumerated().flatMap { k, c in
            (0..<4).map { i in HeatmapPoint(x: c.0 + 0.3 * cos(Double(i) * 1.6), y: c.1 + 0.3 * sin(Double(i) * 1.6), value: Double(k)) }
        }
        return ClassRegionSpec(id: "blobs-regions", title: "Most probable class", xLabel: "x₁", yLabel: "x₂", xRange: -2...2, yRange: -2...2,
                               classes: classes, confidence: confidence, classNames: ["class 0", "class 1", "class 2"], points: points)
    }

    static var all: [(name: String, html: String)] {
        [("line-legend", Chart.line(lineWithLegend).string),
         ("line-multiples-log", Chart.line(lineMultiplesLog).string),
         ("histogram-grid", Chart.histogram(histogramGrid).string),
         ("histogram-wide", Chart.histogram(histogramWide).string),
         ("function-plot", Chart.line(functionPlot).string),
         ("heatmap", Chart.heatmap(heatmap).string),
         ("scatter", Chart.scatter(scatter).string),
         ("scatter-fit", Chart.scatter(scatterFit).string),
         ("class-regions", Chart.classRegions(classRegions).string)]
    }
}
