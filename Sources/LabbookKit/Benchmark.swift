// `labbook bench` as a library call: a named training workload timed on real Fashion-MNIST, so the command line
// reaches the engine and the data readers only through LabbookKit.
import Datasets
import Engine
import Foundation
import Vocabulary

public enum Benchmark {
    public static var workloads: [String] { Workloads.names }
    public static var activations: [String] { Activation.names }
    /// The OpenBLAS kernel the timed GEMMs ran on (a measurement is only comparable on the same kernel).
    public static var blasKernel: String { Workloads.blasKernelName }

    public static func isActivation(_ name: String) -> Bool { Activation(name: name) != nil }

    public struct Measurement: Sendable {
        public var workload: String
        /// The hidden activation the workload trained with (the author's name).
        public var activation: String
        /// Whether the workload is timed per step (online-mlp) rather than per sample.
        public var perStep: Bool
        public var samples: Int
        public var steps: Int
        public var seconds: Double
        public var samplesPerSecond: Double
        public var microsecondsPerStep: Double
    }

    /// The training data could not be loaded; `description` is the loader's message.
    public struct DataUnavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads the training split the workload reads (only it: no validation split is held in memory) and times
    /// the workload. `dataDirectory` nil: `$LABBOOK_DATA`, then Debian's copy. Throws `DataUnavailable` when the
    /// data cannot be loaded. `threads` 1 turns the engine's helper thread off (same results, only slower).
    public static func measure(workload: String, activation: String?, dataDirectory: String?, steps: Int?,
                               threads: Int = 2) throws -> Measurement {
        // fashion-lenet trains on as many images as its steps take (12,800 for 200 steps of 64), as the
        // PyTorch and numpy scripts in bench/ do.
        let train = workload == "fashion-lenet" ? min(50_000, 64 * (steps ?? 200)) : 50_000
        let spec = DataSpec(source: .fashionMNIST, train: train, validation: 0, test: 0,
                            normalize: .fixed(mean: 0.2861, std: 0.3530), path: dataDirectory)
        let splits: DataSplits
        do {
            splits = try DataLoader.load(spec, seed: 1, bookDirectory: FileManager.default.currentDirectoryPath,
                                         environment: ProcessInfo.processInfo.environment)
        } catch {
            throw DataUnavailable(description: "\(error)")
        }
        let hidden = activation.flatMap(Activation.init(name:)) ?? .relu
        let budget: ThreadBudget = threads > 1 ? .all : .callerOnly
        let m = try budget.apply { try Workloads.measure(named: workload, activation: hidden, train: splits.train, steps: steps) }
        return Measurement(workload: m.workload, activation: hidden.name, perStep: workload == "online-mlp", samples: m.samples,
                           steps: m.steps, seconds: m.seconds, samplesPerSecond: m.samplesPerSecond,
                           microsecondsPerStep: m.microsecondsPerStep)
    }
}
