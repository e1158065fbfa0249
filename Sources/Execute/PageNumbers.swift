// The numbers a block's pages show without a training run: `function:` plots sampled from the engine's scalar
// functions, and the training points drawn over a decision surface. Computed when the block is assembled.
import Blocks
import Datasets
import Engine
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

enum PageNumbers {
    /// Points per function: enough for a smooth curve over the default range [−5, 5].
    static let samples = 201

    /// Every `function:` report of the block, in `show:` order.
    static func functionPlots(_ spec: ExperimentSpec) -> [FunctionPlot] {
        spec.show.enumerated().compactMap { i, report in
            if case .function(let f) = report { functionPlot(f, report: i) } else { nil }
        }
    }

    static func functionPlot(_ f: FunctionReport, report: Int) -> FunctionPlot {
        let xs = Sampling.evenly(f.lower...f.upper, count: samples)
        let curves: [FunctionCurve]
        if !f.losses.isEmpty {
            // Losses against the residual r = ŷ − y.
            curves = zip(f.names, f.losses).map { name, l in
                FunctionCurve(name: name, xs: xs, values: xs.map { Functions.loss(l, residual: $0) },
                              derivatives: xs.map { Functions.lossDerivative(l, residual: $0) })
            }
        } else {
            curves = zip(f.names, f.activations).map { name, a in
                FunctionCurve(name: name, xs: xs, values: xs.map { Functions.activation(a, $0) },
                              derivatives: xs.map { Functions.activationDerivative(a, $0) })
            }
        }
        return FunctionPlot(report: report, key: functionKey(f), curves: curves)
    }

    /// What a plot's numbers depend on: its functions (with their parameters) and range, and the engine.
    static func functionKey(_ f: FunctionReport) -> String {
        struct Canonical: Encodable {
            var names: [String]
            var activations: [Activation]
            var losses: [LossKind]
            var lower: Double
            var upper: Double
            var samples: Int
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let value = Canonical(names: f.names, activations: f.activations, losses: f.losses, lower: f.lower, upper: f.upper, samples: samples)
        let text = (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return RunCache.key(canonicalConfig: text, dataDigest: "function")
    }

    /// For a variant with a prediction grid: XOR's four corners, or up to 200 training points of its 2-feature
    /// classification data (a generated set, gaussian with 2 features, a CSV table): the training split as the model
    /// saw it, normalised or not, so the points sit in the grid's coordinates; a fixed stride picks them. Empty for
    /// other data. `data` is the run's own loaded data; a variant taken from the cache loads it again.
    static func trainingPoints(_ variant: Variant, data loaded: DataSplits?, context: RunContext) -> [PlanePoint] {
        guard let spec = variant.data else { return [] }
        if spec.source == .xor {
            return [(0.0, 0.0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)].map { PlanePoint(x: $0.0, y: $0.1, label: $0.2) }
        }
        guard let splits = loaded ?? (try? DataLoader.load(spec, seed: variant.seed, bookDirectory: context.bookDirectory,
                                                            environment: context.environment)),
              splits.train.width == 2, !splits.train.isRegression else { return [] }
        let d = splits.train
        let step = max(1, d.count / 200)
        return stride(from: 0, to: d.count, by: step).prefix(200).map {
            PlanePoint(x: Double(d.features[2 * $0]), y: Double(d.features[2 * $0 + 1]), label: Int(d.labels[$0]))
        }
    }
}
