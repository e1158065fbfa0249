// What a training run produces: every number any report may need, so that reports can change
// without retraining. Codable so Execute can cache it and Site can export it as JSON.
import Vocabulary

public struct TrainingResult: Sendable, Codable, Hashable {
    /// Linear layers in order; layer i maps layer i's input to its output. For hidden widths
    /// [h0 … h(n−1)] there are n+1 layers; the last one is the output layer.
    public var layerWidths: [Int]
    public var parameters: Int
    public var epochsRun: Int
    /// 1-based epoch whose weights were kept (early stopping), 0 when epochs = 0.
    public var bestEpoch: Int
    public var final: FinalMetrics
    public var epochs: [EpochRecord]
    public var iterations: [IterationRecord]
    /// At initialisation and (when epochs > 0) after training.
    public var snapshots: [Snapshot]
    public var deadNeurons: [DeadNeuronRecord]
    public var gradientCheck: [GradientCheckRow]?
    public var predictionGrid: PredictionGrid?
    /// Set when the loss became NaN or infinite; training stopped at once.
    public var divergence: Divergence?
    /// The `layers:` form: each entry's name ("dense", "relu", "batch-norm", …), indexed by report number; then
    /// `layerWidths` is each entry's output width. nil for the shorthand (whose numbering is v1's: hidden layer i
    /// with its activation is layer i), so its results encode exactly as before.
    public var layerKinds: [String]?
    /// The report numbers of the positions of IterationRecord's per-layer arrays (the dense layers); nil: 0, 1, 2, …
    public var gradientLayers: [Int]?
    /// `filters`: one conv layer's kernels at init and (when it trains) after training; nil unless asked for.
    public var filters: [FilterSample]?
    /// `feature-maps`: one layer's activations for a few examples after training; nil unless asked for.
    public var featureMaps: [FeatureMapSample]?

    public init(layerWidths: [Int], parameters: Int, epochsRun: Int, bestEpoch: Int, final: FinalMetrics,
                epochs: [EpochRecord], iterations: [IterationRecord], snapshots: [Snapshot],
                deadNeurons: [DeadNeuronRecord], gradientCheck: [GradientCheckRow]? = nil,
                predictionGrid: PredictionGrid? = nil, divergence: Divergence? = nil) {
        self.layerWidths = layerWidths
        self.parameters = parameters
        self.epochsRun = epochsRun
        self.bestEpoch = bestEpoch
        self.final = final
        self.epochs = epochs
        self.iterations = iterations
        self.snapshots = snapshots
        self.deadNeurons = deadNeurons
        self.gradientCheck = gradientCheck
        self.predictionGrid = predictionGrid
        self.divergence = divergence
    }
}

/// Loss and accuracy (fraction in [0, 1]) per split, for the kept weights.
public struct FinalMetrics: Sendable, Codable, Hashable {
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var testLoss: Double?
    public var testAccuracy: Double?

    public init(trainLoss: Double, trainAccuracy: Double, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil, testLoss: Double? = nil, testAccuracy: Double? = nil) {
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
    }
}

public struct EpochRecord: Sendable, Codable, Hashable {
    public var epoch: Int                 // 1-based
    public var trainLoss: Double          // mean minibatch loss over the epoch
    public var trainAccuracy: Double      // accuracy on the minibatches as they were seen
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// The learning rate the epoch trained with, when the job has a schedule (nil otherwise: the optimizer's).
    public var learningRate: Double?

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double,
                validationLoss: Double? = nil, validationAccuracy: Double? = nil) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
    }
}

/// Sampled every `recordEvery` iterations (and at iteration 0, before the first update).
public struct IterationRecord: Sendable, Codable, Hashable {
    public var iteration: Int
    public var loss: Double
    /// Mean |∂L/∂W| per linear layer.
    public var meanAbsGradient: [Double]
    /// ‖∂L/∂W‖₂ per linear layer.
    public var gradientNorm: [Double]

    public init(iteration: Int, loss: Double, meanAbsGradient: [Double], gradientNorm: [Double]) {
        self.iteration = iteration
        self.loss = loss
        self.meanAbsGradient = meanAbsGradient
        self.gradientNorm = gradientNorm
    }
}

/// A conv2d layer's kernels: `weights` is filters × channels × kernel × kernel, row-major (torch's layout).
public struct FilterSample: Sendable, Codable, Hashable {
    public var moment: Moment
    public var layer: Int
    public var filters: Int, channels: Int, kernel: Int
    public var weights: [Float]

    public init(moment: Moment, layer: Int, filters: Int, channels: Int, kernel: Int, weights: [Float]) {
        self.moment = moment
        self.layer = layer
        self.filters = filters
        self.channels = channels
        self.kernel = kernel
        self.weights = weights
    }
}

/// One example through the network: its input and the chosen layer's output ([channels, height, width] each).
public struct FeatureMapSample: Sendable, Codable, Hashable {
    public var layer: Int
    /// Which split the example came from ("test", "validation" or "train") and its index and label there.
    public var split: String
    public var index: Int
    public var label: Int
    public var inputShape: [Int]
    public var input: [Float]
    public var shape: [Int]
    public var values: [Float]

    public init(layer: Int, split: String, index: Int, label: Int, inputShape: [Int], input: [Float], shape: [Int], values: [Float]) {
        self.layer = layer
        self.split = split
        self.index = index
        self.label = label
        self.inputShape = inputShape
        self.input = input
        self.shape = shape
        self.values = values
    }
}

/// Per-layer value samples for histograms, taken at one moment.
public struct Snapshot: Sendable, Codable, Hashable {
    public var moment: Moment
    public var layers: [LayerSample]

    public init(moment: Moment, layers: [LayerSample]) {
        self.moment = moment
        self.layers = layers
    }
}

/// Values of one linear layer. Large layers are subsampled deterministically (a fixed stride)
/// to at most `LayerSample.maxValues` values per kind.
public struct LayerSample: Sendable, Codable, Hashable {
    public static let maxValues = 20_000
    public var layer: Int
    public var weights: [Float]
    /// Post-activation outputs on a fixed batch of training examples (the output layer: its output nonlinearity).
    public var activations: [Float]
    /// ∂L/∂W on that batch.
    public var gradients: [Float]

    public init(layer: Int, weights: [Float], activations: [Float], gradients: [Float]) {
        self.layer = layer
        self.weights = weights
        self.activations = activations
        self.gradients = gradients
    }
}

/// Dead units of one hidden layer: zero output for every training example.
public struct DeadNeuronRecord: Sendable, Codable, Hashable {
    public var moment: Moment
    public var layer: Int
    public var dead: Int
    public var units: Int

    public init(moment: Moment, layer: Int, dead: Int, units: Int) {
        self.moment = moment
        self.layer = layer
        self.dead = dead
        self.units = units
    }
}

public struct GradientCheckRow: Sendable, Codable, Hashable {
    public var layer: Int
    public var parameters: Int
    /// max over checked parameters of |analytic − numeric| / max(|analytic| + |numeric|, tiny)
    public var maxRelativeDifference: Double

    public init(layer: Int, parameters: Int, maxRelativeDifference: Double) {
        self.layer = layer
        self.parameters = parameters
        self.maxRelativeDifference = maxRelativeDifference
    }
}

/// Predicted probability of class 1 on a resolution × resolution grid over [xMin, xMax] × [yMin, yMax];
/// row-major, row 0 at yMin.
public struct PredictionGrid: Sendable, Codable, Hashable {
    public var resolution: Int
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var probabilities: [Double]

    public init(resolution: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, probabilities: [Double]) {
        self.resolution = resolution
        self.xRange = xRange
        self.yRange = yRange
        self.probabilities = probabilities
    }
}

public struct Divergence: Sendable, Codable, Hashable {
    public var epoch: Int
    public var iteration: Int
    public var loss: Double

    public init(epoch: Int, iteration: Int, loss: Double) {
        self.epoch = epoch
        self.iteration = iteration
        self.loss = loss
    }
}

/// Result of the recurrent probe: for each weight scale, ‖∂L/∂h_t‖ for t = 0 … steps−1.
public struct RecurrentProbeResult: Sendable, Codable, Hashable {
    public struct Series: Sendable, Codable, Hashable {
        public var weightScale: Double
        public var gradientNorms: [Double]
        public init(weightScale: Double, gradientNorms: [Double]) {
            self.weightScale = weightScale
            self.gradientNorms = gradientNorms
        }
    }
    public var series: [Series]
    public init(series: [Series]) { self.series = series }
}

/// Progress of a run, for the build's progress display.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var loss: Double
    public init(epoch: Int, epochs: Int, loss: Double) {
        self.epoch = epoch
        self.epochs = epochs
        self.loss = loss
    }
}
