// Named benchmark workloads for `labbook bench`: the jobs; the caller supplies Fashion-MNIST (train split, normalised).
import Outcomes
import Vocabulary

public enum Workloads {
    public static let names = ["fashion-mlp", "online-mlp", "fashion-mlp-bn-dropout", "fashion-mlp-adamw", "fashion-lenet"]

    /// LeNet-5 as most courses teach it: conv 6@5×5 pad 2 – relu – max-pool 2 – conv 16@5×5 – relu – max-pool 2 –
    /// flatten – 120 – relu – 84 – relu – 10 (61,706 parameters), on [1, 28, 28] images.
    public static let lenetLayers: [LayerSpec] = [
        .conv2d(channels: 6, kernel: 5, stride: 1, padding: 2, initScheme: nil), .activation(.relu), .maxPool2d(kernel: 2, stride: 2, drop: false),
        .conv2d(channels: 16, kernel: 5, stride: 1, padding: 0, initScheme: nil), .activation(.relu), .maxPool2d(kernel: 2, stride: 2, drop: false),
        .flatten, .dense(units: 120, initScheme: nil), .activation(.relu), .dense(units: 84, initScheme: nil), .activation(.relu),
        .dense(units: 10, initScheme: nil),
    ]

    /// Steps timed by default for the workloads timed by steps rather than by one whole epoch.
    static let defaultSteps = ["online-mlp": 20_000, "fashion-lenet": 200]

    /// fashion-mlp-bn-dropout's training setup around `model`: AdamW (lr 0.001, weight decay 0.01), cosine to 0,
    /// one epoch of batch 256. fashion-mlp-adamw uses the same, so their ratio is the cost of the layers alone.
    static func adamwCosine(_ model: ModelConfig) -> TrainingJob {
        var job = TrainingJob(model: model, loss: .crossEntropy,
                              optimizer: .adamw(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01),
                              train: TrainConfig(epochs: 1, batch: 256, shuffle: true, dropLast: false, recordEvery: 100),
                              seed: 1)
        job.schedule = ScheduleConfig(.cosine(minLR: 0))
        return job
    }

    /// The job for a named workload (one epoch), or nil for an unknown name.
    /// fashion-mlp: 784-512-256-256-128-10 relu, SGD momentum 0.9, batch 256 (throughput, samples/s); with
    /// another `activation`, one run of the book's activation sweep.
    /// online-mlp: 784-100-100-10 relu, plain SGD, batch 1 (latency, µs/step).
    /// fashion-mlp-adamw: fashion-mlp with AdamW and the cosine schedule (fashion-mlp-bn-dropout without its new layers).
    public static func job(named name: String, activation: Activation = .relu) -> TrainingJob? {
        switch name {
        case "fashion-mlp":
            return TrainingJob(model: ModelConfig(hidden: [512, 256, 256, 128], activation: activation, initScheme: .torchDefault,
                                                  biasInit: .torchDefault, output: .softmax),
                               loss: .crossEntropy, optimizer: .sgd(lr: 0.01, momentum: 0.9, nesterov: false),
                               train: TrainConfig(epochs: 1, batch: 256, shuffle: true, dropLast: false, recordEvery: 100),
                               seed: 1)
        case "fashion-mlp-bn-dropout":
            // fashion-mlp's widths with batch-norm, relu and dropout 0.2 after every hidden dense layer; AdamW, cosine.
            var layers: [LayerSpec] = []
            for width in [512, 256, 256, 128] {
                layers += [.dense(units: width, initScheme: nil), .batchNorm(momentum: 0.1, eps: 1e-5), .activation(activation), .dropout(rate: 0.2)]
            }
            layers.append(.dense(units: 10, initScheme: nil))
            return adamwCosine(ModelConfig(layers: layers, initScheme: .torchDefault, biasInit: .torchDefault, output: .softmax))
        case "fashion-mlp-adamw":
            // fashion-mlp's network with fashion-mlp-bn-dropout's optimiser and schedule (one function builds both):
            // the plain step that bn-dropout's layers are compared with, the optimiser's own cost taken out.
            return adamwCosine(ModelConfig(hidden: [512, 256, 256, 128], activation: activation, initScheme: .torchDefault,
                                           biasInit: .torchDefault, output: .softmax))
        case "fashion-lenet":
            // 200 steps of 64 by default (12,800 images, as bench/torch_lenet.py and bench/numpy_lenet.py time).
            return TrainingJob(model: ModelConfig(layers: lenetLayers, input: [1, 28, 28], initScheme: .torchDefault,
                                                  biasInit: .torchDefault, output: .softmax),
                               loss: .crossEntropy, optimizer: .sgd(lr: 0.01, momentum: 0.9, nesterov: false),
                               train: TrainConfig(epochs: 1, batch: 64, shuffle: true, dropLast: false, recordEvery: 100),
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

/// One timed benchmark run: `samples` examples in `steps` minibatch steps took `seconds` of wall time.
public struct BenchMeasurement: Sendable {
    public var workload: String
    public var samples: Int
    public var steps: Int
    public var seconds: Double

    public init(workload: String, samples: Int, steps: Int, seconds: Double) {
        self.workload = workload
        self.samples = samples
        self.steps = steps
        self.seconds = seconds
    }

    public var samplesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }
    public var microsecondsPerStep: Double { steps > 0 ? seconds / Double(steps) * 1e6 : 0 }
}

extension Workloads {
    /// Times the training loop only (per-epoch shuffle, forward, loss, backward, update) over `train`, after one warm-up step;
    /// no snapshots, no evaluation passes. fashion-mlp: one full epoch; online-mlp and fashion-lenet: `steps` steps (default 20,000 and 200).
    public static func measure(named name: String, activation: Activation = .relu, train: Dataset, steps: Int? = nil) throws -> BenchMeasurement {
        guard let job = job(named: name, activation: activation) else {
            throw EngineError.invalidConfiguration("unknown workload '\(name)'; known: \(names.joined(separator: ", "))")
        }
        let data = DataSplits(train: train)
        try Budget.check(job, inputWidth: train.width, classes: train.classes, trainCount: train.count)
        try Trainer.validate(job, data)
        let shape = try NetworkShape(model: job.model, loss: job.loss, inputWidth: train.width, classes: train.classes)
        var rng = SeededRandom(seed: job.seed).fork("init")
        let session = TrainingSession(job: job, shape: shape, data: data, initial: initialParameters(shape, model: job.model, rng: &rng))
        var optimizer = Optimizer(job.optimizer, parameterCount: shape.parameterCount, weightDecay: job.weightDecay ?? 0)
        var iteration = 0, records: [IterationRecord] = []

        // Warm-up: one step touches every buffer and starts the worker threads.
        session.newOrder()
        _ = session.trainEpoch(0, limit: 1, optimizer: &optimizer, iteration: &iteration, iterations: &records)

        // fashion-mlp: exactly one epoch; online-mlp, fashion-lenet: a step count, reshuffling at each epoch boundary.
        let online = defaultSteps[name] != nil
        let stepLimit = defaultSteps[name].map { max(1, steps ?? $0) } ?? Int.max
        var samples = 0, taken = 0, epoch = 1
        let start = monotonicSeconds()
        repeat {
            session.newOrder()
            let e = session.trainEpoch(epoch, limit: stepLimit - taken, optimizer: &optimizer, iteration: &iteration, iterations: &records)
            samples += e.seen
            taken += e.batches
            epoch += 1
            if !online || e.divergence != nil || e.batches == 0 { break }
        } while taken < stepLimit
        let seconds = monotonicSeconds() - start
        return BenchMeasurement(workload: name, samples: samples, steps: taken, seconds: seconds)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Seconds on the monotonic clock (for benchmarks only; nothing the engine computes depends on time).
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

extension Workloads {
    /// The BLAS kernel family the engine runs on (for benchmark reports).
    public static var blasKernelName: String { blasKernel }
}
