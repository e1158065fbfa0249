// In-memory examples the engine trains on: a row-major feature matrix and integer class labels, or real targets.

public struct Dataset: Sendable {
    /// count × width, row-major.
    public var features: [Float]
    public var count: Int
    public var width: Int
    /// One class index per example (0/1 for binary tasks); all 0 for a regression data set.
    public var labels: [Int32]
    /// Number of classes: 2 for binary tasks with a sigmoid output, 10 for Fashion-MNIST; 0 for regression.
    public var classes: Int
    /// Regression: count × targetWidth real targets, row-major (the network has one output unit per target);
    /// nil for classes.
    public var targets: [Float]?
    public var targetWidth: Int

    public init(features: [Float], count: Int, width: Int, labels: [Int32], classes: Int) {
        precondition(features.count == count * width && labels.count == count, "Dataset shape mismatch")
        self.features = features
        self.count = count
        self.width = width
        self.labels = labels
        self.classes = classes
        targetWidth = 0
    }

    /// A regression data set: `targetWidth` real targets per example.
    public init(features: [Float], count: Int, width: Int, targets: [Float], targetWidth: Int) {
        precondition(features.count == count * width && targets.count == count * targetWidth && targetWidth >= 1, "Dataset shape mismatch")
        self.init(features: features, count: count, width: width, labels: [Int32](repeating: 0, count: count), classes: 0)
        self.targets = targets
        self.targetWidth = targetWidth
    }

    public var isRegression: Bool { targets != nil }
}

/// The affine map a column went through before training: stored = (original − mean) / std. Reports use it to
/// give predictions, errors and fitted curves in the table's own units.
public struct ColumnScale: Sendable, Hashable, Codable {
    public var mean: [Double]
    public var std: [Double]
    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }
    public func original(_ value: Double, column: Int) -> Double { value * std[column] + mean[column] }
}

/// The splits a run uses. Validation drives early stopping; test is reported at the end.
public struct DataSplits: Sendable {
    public var train: Dataset
    public var validation: Dataset?
    public var test: Dataset?
    /// Regression: how the targets were standardised (nil: they are in the table's units).
    public var targetScale: ColumnScale?
    /// How the features were normalised (nil: not at all, or pixels only).
    public var featureScale: ColumnScale?
    /// Regression: the feature columns' names (for a fitted curve's axis), when the data has them.
    public var featureNames: [String]?
    /// The classes' names in class order, when the data has them (a CSV label column's values).
    public var classNames: [String]?

    public init(train: Dataset, validation: Dataset? = nil, test: Dataset? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}
