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

