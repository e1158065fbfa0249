// In-memory examples the engine trains on: a row-major feature matrix and integer class labels.

public struct Dataset: Sendable {
    /// count × width, row-major.
    public var features: [Float]
    public var count: Int
    public var width: Int
    /// One class index per example (0/1 for binary tasks).
    public var labels: [Int32]
    /// Number of classes: 2 for binary tasks with a sigmoid output, 10 for Fashion-MNIST.
    public var classes: Int

    public init(features: [Float], count: Int, width: Int, labels: [Int32], classes: Int) {
        precondition(features.count == count * width && labels.count == count, "Dataset shape mismatch")
        self.features = features
        self.count = count
        self.width = width
        self.labels = labels
        self.classes = classes
    }
}

/// The splits a run uses. Validation drives early stopping; test is reported at the end.
public struct DataSplits: Sendable {
    public var train: Dataset
    public var validation: Dataset?
    public var test: Dataset?

    public init(train: Dataset, validation: Dataset? = nil, test: Dataset? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}
