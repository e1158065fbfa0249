// A regression run's reports, computed after training: metrics in the target's units, pairs, the fitted curve.
import Outcomes
import Vocabulary

extension TrainingSession {
    /// The network's outputs for every example of `d` (evaluation pass), de-standardised to the target's units,
    /// and the targets likewise.
    func regressionValues(_ d: Dataset) -> (predicted: [Double], actual: [Double]) {
        let units = shape.outputUnits, last = shape.layers.count - 1
        var predicted: [Double] = []
        predicted.reserveCapacity(d.count * units)
        forEachChunk(d) { _, n, _, _ in
            let q = ws.output(last)
            for i in 0..<(n * units) { predicted.append(Double(q[i])) }
        }
        var actual = (d.targets ?? []).map(Double.init)
        if let scale = data.targetScale {
            for i in predicted.indices { predicted[i] = scale.original(predicted[i], column: i % units) }
            for i in actual.indices { actual[i] = scale.original(actual[i], column: i % units) }
        }
        return (predicted, actual)
    }

    /// Metrics per split; with `predictions` asked for, predicted-vs-actual pairs and (one feature) a fitted curve.
    func regressionResult() -> RegressionResult? {
        guard data.train.isRegression else { return nil }
        let units = shape.outputUnits
        // One evaluation pass per split: the metrics, and the pairs drawn from the last split there is.
        let train = regressionValues(data.train), validation = data.validation.map(regressionValues), test = data.test.map(regressionValues)
        func metrics(_ v: (predicted: [Double], actual: [Double])) -> RegressionMetrics {
            RegressionMetrics(predicted: v.predicted, actual: v.actual, width: units)
        }
        var result = RegressionResult(train: metrics(train), validation: validation.map(metrics), test: test.map(metrics))
        guard job.diagnostics.predictionGrid != nil else { return result }
        let (name, split, (p, a)) = if let d = data.test, let v = test { ("test", d, v) }
            else if let d = data.validation, let v = validation { ("validation", d, v) } else { ("train", data.train, train) }
        let step = max(1, (split.count + RegressionResult.maxPairs - 1) / RegressionResult.maxPairs)
        let picked = Array(stride(from: 0, to: split.count, by: step))
        result.split = name
        result.actual = picked.map { a[$0 * units] }
        result.predicted = picked.map { p[$0 * units] }
        guard split.width == 1 else { return result }
        let feature = data.featureScale
        func original(_ x: Float) -> Double { feature?.original(Double(x), column: 0) ?? Double(x) }
        result.feature = picked.map { original(split.features[$0]) }
        result.featureName = data.featureNames?.first
        // The curve over the training range, padded by 5 % each side, in the stored (normalised) units.
        let xs = data.train.features
        guard let lo = xs.min(), let hi = xs.max() else { return result }
        let pad = hi > lo ? 0.05 * (hi - lo) : 1
        let n = RegressionResult.curvePoints
        let grid = (0..<n).map { lo - pad + (hi - lo + 2 * pad) * Float($0) / Float(n - 1) }
        let probe = Dataset(features: grid, count: n, width: 1, targets: [Float](repeating: 0, count: n * units), targetWidth: units)
        let (curve, _) = regressionValues(probe)
        result.curve = FittedCurve(x: grid.map(original), y: (0..<n).map { curve[$0 * units] })
        return result
    }
}
