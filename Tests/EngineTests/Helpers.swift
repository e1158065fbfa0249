// Shared test helpers: tolerant comparisons, small datasets, central differences.
import Vocabulary

@testable import Engine

/// |a − b| ≤ relative·max(|a|, |b|) + absolute.
func isClose(_ a: Double, _ b: Double, relative: Double = 1e-6, absolute: Double = 0) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b)) + absolute
}

/// Central difference (f(x+h) − f(x−h)) / 2h in Float64.
func centralDifference(_ f: (Double) -> Double, at x: Double, h: Double = 1e-6) -> Double {
    (f(x + h) - f(x - h)) / (2 * h)
}

let allActivations: [Activation] = [.sigmoid, .tanh, .relu, .leakyRelu(slope: 0.1), .prelu(initialSlope: 0.25),
                                    .elu(alpha: 1), .gelu, .swish, .mish, .identity, .selu, .softplus, .hardTanh]

/// The four XOR corners, each repeated `copies` times, labels x0 xor x1.
func xorData(copies: Int = 1) -> Dataset {
    var f: [Float] = [], l: [Int32] = []
    for _ in 0..<copies {
        for (a, b) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            f += [Float(a), Float(b)]
            l.append(Int32(a ^ b))
        }
    }
    return Dataset(features: f, count: l.count, width: 2, labels: l, classes: 2)
}

/// Gaussian features N(0,1); labels: class of the largest of the first `classes` features (learnable), seeded.
func gaussianData(count: Int, width: Int, classes: Int, seed: UInt64) -> Dataset {
    var rng = SeededRandom(seed: seed)
    let f = (0..<(count * width)).map { _ in Float(rng.nextNormal()) }
    let l = (0..<count).map { r -> Int32 in
        var best = 0
        for k in 1..<min(classes, width) where f[r * width + k] > f[r * width + best] { best = k }
        return Int32(best)
    }
    return Dataset(features: f, count: count, width: width, labels: l, classes: classes)
}

func job(hidden: [Int], activation: Activation = .relu, initScheme: InitScheme = .torchDefault,
         output: OutputKind = .softmax, loss: LossKind = .crossEntropy,
         optimizer: OptimizerConfig = .sgd(lr: 0.1, momentum: 0, nesterov: false),
         epochs: Int = 1, batch: Int = 16, patience: Int? = nil, recordEvery: Int = 10,
         seed: UInt64 = 1, diagnostics: Diagnostics = Diagnostics()) -> TrainingJob {
    TrainingJob(model: ModelConfig(hidden: hidden, activation: activation, initScheme: initScheme, biasInit: .zeros, output: output),
                loss: loss, optimizer: optimizer,
                train: TrainConfig(epochs: epochs, batch: batch, shuffle: true, dropLast: false, patience: patience,
                                   recordEvery: recordEvery, clip: .none),
                seed: seed, diagnostics: diagnostics)
}
