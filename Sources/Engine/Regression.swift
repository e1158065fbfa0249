// What a regression run reports: errors in the target's own units, predicted-vs-actual pairs, a fitted curve.

/// Errors of the predictions on one split, in the target's original units (several targets: averaged over them,
/// as sklearn's `multioutput='uniform_average'`).
/// MSE = mean (ŷ − y)², RMSE = √MSE, MAE = mean |ŷ − y|, R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² with ȳ the split's own mean
/// (sklearn's `r2_score`: a split whose targets are all equal gets 1 for exact predictions, else 0).
public struct RegressionMetrics: Sendable, Codable, Hashable {
    public var mse: Double
    public var rmse: Double
    public var mae: Double
    public var r2: Double

    public init(mse: Double, rmse: Double, mae: Double, r2: Double) {
        self.mse = mse
        self.rmse = rmse
        self.mae = mae
        self.r2 = r2
    }

    /// From predictions and targets, `width` values per example, row-major.
    public init(predicted: [Double], actual: [Double], width: Int) {
        let n = actual.count / max(width, 1)
        var mse = 0.0, mae = 0.0, r2 = 0.0
        for k in 0..<width {
            var mean = 0.0
            for e in 0..<n { mean += actual[e * width + k] }
            mean /= Double(max(n, 1))
            var squares = 0.0, absolute = 0.0, total = 0.0
            for e in 0..<n {
                let y = actual[e * width + k], r = predicted[e * width + k] - y
                squares += r * r
                absolute += abs(r)
                total += (y - mean) * (y - mean)
            }
            mse += squares / Double(max(n, 1))
            mae += absolute / Double(max(n, 1))
            r2 += total > 0 ? 1 - squares / total : (squares == 0 ? 1 : 0)
        }
        let w = Double(max(width, 1))
        self.init(mse: mse / w, rmse: (mse / w).squareRoot(), mae: mae / w, r2: r2 / w)
    }
}

/// The model's prediction (first target) along the data's only feature, both in the table's units.
public struct FittedCurve: Sendable, Codable, Hashable {
    public var x: [Double]
    public var y: [Double]
    public init(x: [Double], y: [Double]) {
        self.x = x
        self.y = y
    }
}

public struct RegressionResult: Sendable, Codable, Hashable {
    public var train: RegressionMetrics
    public var validation: RegressionMetrics?
    public var test: RegressionMetrics?
    /// With `predictions`: which split the pairs come from ("test", else "validation", else "train") and at most
    /// `maxPairs` of its examples (a fixed stride), first target, in the target's units.
    public var split: String?
    public var actual: [Double]?
    public var predicted: [Double]?
    /// The same examples' only feature (one-feature data), in the table's units.
    public var feature: [Double]?
    /// With `predictions` on one-feature data: the prediction over the training range of the feature (±5 %).
    public var curve: FittedCurve?
    /// The feature's column name, when the data has names.
    public var featureName: String?

    public static let maxPairs = 400
    public static let curvePoints = 201

    public init(train: RegressionMetrics, validation: RegressionMetrics? = nil, test: RegressionMetrics? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

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
        func metrics(_ d: Dataset) -> RegressionMetrics {
            let (p, a) = regressionValues(d)
            return RegressionMetrics(predicted: p, actual: a, width: units)
        }
        var result = RegressionResult(train: metrics(data.train), validation: data.validation.map(metrics), test: data.test.map(metrics))
        guard job.diagnostics.predictionGrid != nil else { return result }
        let (name, split) = data.test.map { ("test", $0) } ?? data.validation.map { ("validation", $0) } ?? ("train", data.train)
        let (p, a) = regressionValues(split)
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
