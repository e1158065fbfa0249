// Named benchmark workloads for `labbook bench`: the jobs; the caller supplies Fashion-MNIST (train split, normalised).

public enum Workloads {
    public static let names = ["fashion-mlp", "online-mlp"]

    /// The job for a named workload (one epoch), or nil for an unknown name.
    /// fashion-mlp: 784-512-256-256-128-10 relu, SGD momentum 0.9, batch 256 (throughput, samples/s).
    /// online-mlp: 784-100-100-10 relu, plain SGD, batch 1 (latency, µs/step).
    public static func job(named name: String) -> TrainingJob? {
        switch name {
        case "fashion-mlp":
            return TrainingJob(model: ModelConfig(hidden: [512, 256, 256, 128], activation: .relu, initScheme: .torchDefault,
                                                  biasInit: .torchDefault, output: .softmax),
                               loss: .crossEntropy, optimizer: .sgd(lr: 0.01, momentum: 0.9, nesterov: false),
                               train: TrainConfig(epochs: 1, batch: 256, shuffle: true, dropLast: false, recordEvery: 100),
                               seed: 1)
        case "online-mlp":
            return TrainingJob(model: ModelConfig(hidden: [100, 100], activation: .relu, initScheme: .torchDefault,
                                                  biasInit: .torchDefault, output: .softmax),
                               loss: .crossEntropy, optimizer: .sgd(lr: 0.01, momentum: 0, nesterov: false),
                               train: TrainConfig(epochs: 1, batch: 1, shuffle: true, dropLast: false, recordEvery: 1_000),
                               seed: 1)
        default:
            return nil
        }
    }
}
