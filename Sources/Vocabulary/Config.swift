// The engine's vocabulary: what a training run is made of. Plain values, no I/O, no YAML.

/// A hidden-layer nonlinearity. Names are the author's (`leaky-relu`), see `name`.
public enum Activation: Hashable, Sendable, Codable {
    case sigmoid
    case tanh
    case relu
    case leakyRelu(slope: Float)        // default slope 0.01 (PyTorch)
    case prelu(initialSlope: Float)     // learned slope per layer, PyTorch init 0.25
    case elu(alpha: Float)              // default alpha 1
    case gelu                           // exact erf form
    case swish                          // x·σ(x), a.k.a. SiLU
    case mish                           // x·tanh(softplus(x))
    case identity
    case selu                           // λ·(x > 0 ? x : α(eˣ − 1)), torch's λ and α
    case softplus                       // log(1 + eˣ); x beyond 20 passes through (torch threshold 20)
    case hardTanh                       // clamp(x, −1, 1)

    /// Every name an author may write, in the order the contract lists them (`silu` is swish's other name).
    public static let names = ["sigmoid", "tanh", "relu", "leaky-relu", "prelu", "elu", "gelu", "swish", "mish", "identity",
                               "selu", "softplus", "hard-tanh"]

    /// The activation with its default parameters, for a bare name; nil for an unknown name.
    public init?(name: String) {
        switch name {
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "leaky-relu": self = .leakyRelu(slope: 0.01)
        case "prelu": self = .prelu(initialSlope: 0.25)
        case "elu": self = .elu(alpha: 1)
        case "gelu": self = .gelu
        case "swish", "silu": self = .swish
        case "mish": self = .mish
        case "identity", "linear": self = .identity
        case "selu": self = .selu
        case "softplus": self = .softplus
        case "hard-tanh": self = .hardTanh
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "relu"
        case .leakyRelu: "leaky-relu"
        case .prelu: "prelu"
        case .elu: "elu"
        case .gelu: "gelu"
        case .swish: "swish"
        case .mish: "mish"
        case .identity: "identity"
        case .selu: "selu"
        case .softplus: "softplus"
        case .hardTanh: "hard-tanh"
        }
    }
}

/// Weight initialisation for the linear layers.
public enum InitScheme: Hashable, Sendable, Codable {
    case normal(std: Float)        // N(0, std²), default std 1
    case uniform(limit: Float)     // U(−limit, limit), default limit 0.05
    case xavier                    // Glorot uniform: limit √(6/(fan_in+fan_out)); also `xavier-uniform`
    case he                        // Kaiming normal: std √(2/fan_in); also `he-normal`
    case torchDefault              // nn.Linear: kaiming-uniform a=√5 → U(±1/√fan_in)
    case xavierNormal              // N(0, 2/(fan_in+fan_out))
    case heUniform                 // U(±√(6/fan_in))
    case lecunNormal               // N(0, 1/fan_in)
    case lecunUniform              // U(±√(3/fan_in))
    case orthogonal                // torch.nn.init.orthogonal_, gain 1: orthonormal rows (or columns, whichever are fewer)

    public static let names = ["normal", "uniform", "xavier", "he", "torch-default", "xavier-uniform", "xavier-normal",
                               "he-normal", "he-uniform", "lecun-normal", "lecun-uniform", "orthogonal"]

    public init?(name: String) {
        switch name {
        case "normal": self = .normal(std: 1)
        case "uniform": self = .uniform(limit: 0.05)
        case "xavier", "glorot", "xavier-uniform": self = .xavier
        case "he", "kaiming", "he-normal": self = .he
        case "torch-default": self = .torchDefault
        case "xavier-normal": self = .xavierNormal
        case "he-uniform": self = .heUniform
        case "lecun-normal": self = .lecunNormal
        case "lecun-uniform": self = .lecunUniform
        case "orthogonal": self = .orthogonal
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .normal: "normal"
        case .uniform: "uniform"
        case .xavier: "xavier"
        case .he: "he"
        case .torchDefault: "torch-default"
        case .xavierNormal: "xavier-normal"
        case .heUniform: "he-uniform"
        case .lecunNormal: "lecun-normal"
        case .lecunUniform: "lecun-uniform"
        case .orthogonal: "orthogonal"
        }
    }
}

public enum BiasInit: String, Hashable, Sendable, Codable, CaseIterable {
    case zeros
    case torchDefault = "torch-default"   // U(±1/√fan_in)
}

/// The output layer's nonlinearity; it pairs with the loss (sigmoid+bce, softmax+cross-entropy).
public enum OutputKind: String, Hashable, Sendable, Codable, CaseIterable {
    case sigmoid, softmax, identity
}

public enum LossKind: Hashable, Sendable, Codable {
    case bce                          // binary cross-entropy on logits (stable form)
    case crossEntropy                 // softmax cross-entropy on logits (stable form)
    case mse
    case huber(delta: Float)          // default delta 1
    case clippedMSE(threshold: Float) // MSE whose per-example loss is clipped at threshold²/… (zero gradient beyond)

    public static let names = ["bce", "cross-entropy", "mse", "huber", "clipped-mse"]

    public init?(name: String) {
        switch name {
        case "bce": self = .bce
        case "cross-entropy": self = .crossEntropy
        case "mse": self = .mse
        case "huber": self = .huber(delta: 1)
        case "clipped-mse": self = .clippedMSE(threshold: 1)
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .bce: "bce"
        case .crossEntropy: "cross-entropy"
        case .mse: "mse"
        case .huber: "huber"
        case .clippedMSE: "clipped-mse"
        }
    }
}

public enum OptimizerConfig: Hashable, Sendable, Codable {
    /// PyTorch SGD: v ← μ·v + g; p ← p − lr·v (nesterov: p ← p − lr·(g + μ·v)).
    case sgd(lr: Float, momentum: Float, nesterov: Bool)
    /// PyTorch Adam with bias correction.
    case adam(lr: Float, beta1: Float, beta2: Float, eps: Float)
    /// torch.optim.RMSprop: v ← αv + (1−α)g²; centered subtracts the running mean of g squared; optional momentum.
    case rmsprop(lr: Float, alpha: Float, eps: Float, momentum: Float, centered: Bool)
    /// torch.optim.AdamW: p ← p·(1 − lr·λ) (decoupled), then Adam's step.
    case adamw(lr: Float, beta1: Float, beta2: Float, eps: Float, weightDecay: Float)
    /// torch.optim.Adagrad: Σg² accumulated; step lr/(1 + (t−1)·lrDecay).
    case adagrad(lr: Float, lrDecay: Float, eps: Float)

    public static let names = ["sgd", "adam", "rmsprop", "adamw", "adagrad"]

    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .adam: "adam"
        case .rmsprop: "rmsprop"
        case .adamw: "adamw"
        case .adagrad: "adagrad"
        }
    }

    public var learningRate: Float {
        switch self {
        case .sgd(let lr, _, _), .adam(let lr, _, _, _), .rmsprop(let lr, _, _, _, _), .adamw(let lr, _, _, _, _), .adagrad(let lr, _, _): lr
        }
    }
}

/// A learning-rate schedule over epochs (the rate is set at the start of each epoch, as a torch scheduler
/// stepped once per epoch), after an optional linear warm-up.
public struct ScheduleConfig: Hashable, Sendable, Codable {
    public enum Kind: Hashable, Sendable, Codable {
        case constant
        /// StepLR: lr·γ^⌊e/every⌋
        case step(every: Int, gamma: Float)
        /// MultiStepLR: lr·γ^(number of milestones ≤ e)
        case multiStep(at: [Int], gamma: Float)
        /// ExponentialLR: lr·γ^e
        case exponential(gamma: Float)
        /// CosineAnnealingLR over the epochs after the warm-up: min + (lr − min)(1 + cos(πe/T))/2
        case cosine(minLR: Float)
        /// ReduceLROnPlateau (mode min, relative threshold) on the validation loss, else the training loss.
        case plateau(patience: Int, factor: Float, threshold: Float, minLR: Float)

        public var name: String {
            switch self {
            case .constant: "constant"
            case .step: "step"
            case .multiStep: "multi-step"
            case .exponential: "exponential"
            case .cosine: "cosine"
            case .plateau: "plateau"
            }
        }
    }
    public var kind: Kind
    /// Epochs of linear warm-up (LinearLR from `warmupStart`·lr to lr); the schedule's epoch 0 follows them.
    public var warmup: Int
    public var warmupStart: Float

    public static let names = ["constant", "step", "multi-step", "exponential", "cosine", "plateau"]

    public init(_ kind: Kind, warmup: Int = 0, warmupStart: Float = 1.0 / 3) {
        self.kind = kind
        self.warmup = warmup
        self.warmupStart = warmupStart
    }
}

public enum GradientClip: Hashable, Sendable, Codable {
    case none
    case norm(Float)    // scale all gradients so that their global L2 norm ≤ value
    case value(Float)   // clamp every gradient component to [−value, value]
}

/// One entry of `model.layers`, in the author's order. The last entry must be the output `dense`.
public enum LayerSpec: Hashable, Sendable, Codable {
    /// Y = X·Wᵀ + b (nn.Linear); `initScheme` overrides the model's `init` for this layer.
    case dense(units: Int, initScheme: InitScheme?)
    case activation(Activation)
    /// Inverted dropout (nn.Dropout): zero each value with probability `rate`, scale the rest by 1/(1 − rate).
    case dropout(rate: Float)
    /// nn.BatchNorm1d (per feature) or BatchNorm2d (per channel of a [C, H, W] input), affine.
    case batchNorm(momentum: Float, eps: Float)
    /// nn.Conv2d(in, channels, kernel, stride, padding) with bias, dilation 1, on a [C, H, W] input;
    /// `initScheme` overrides the model's `init` for this layer.
    case conv2d(channels: Int, kernel: Int, stride: Int, padding: Int, initScheme: InitScheme?)
    /// nn.MaxPool2d(kernel, stride) without padding; `drop` lets the windows leave the last rows or columns out
    /// (torch always does; here it must be asked for).
    case maxPool2d(kernel: Int, stride: Int, drop: Bool)
    /// nn.AvgPool2d(kernel, stride) without padding; `drop` as for max-pool2d.
    case avgPool2d(kernel: Int, stride: Int, drop: Bool)
    /// nn.Flatten: [C, H, W] → [C·H·W].
    case flatten
    /// nn.AdaptiveAvgPool2d(1) + flatten: [C, H, W] → [C], each channel's mean.
    case globalAvgPool

    public var name: String {
        switch self {
        case .dense: "dense"
        case .activation(let a): a.name
        case .dropout: "dropout"
        case .batchNorm: "batch-norm"
        case .conv2d: "conv2d"
        case .maxPool2d: "max-pool2d"
        case .avgPool2d: "avg-pool2d"
        case .flatten: "flatten"
        case .globalAvgPool: "global-avg-pool"
        }
    }

    /// Whether the layer needs a [C, H, W] input (and conv reports can show it).
    public var isImageLayer: Bool {
        switch self {
        case .conv2d, .maxPool2d, .avgPool2d, .globalAvgPool: true
        default: false
        }
    }
}

public struct ModelConfig: Hashable, Sendable, Codable {
    /// The shorthand: hidden widths, each followed by `activation`, then the output dense layer.
    public var hidden: [Int]
    public var activation: Activation
    public var initScheme: InitScheme
    public var biasInit: BiasInit
    public var output: OutputKind
    /// The general form; when set, `hidden` and `activation` are not used. nil: the shorthand.
    public var layers: [LayerSpec]?
    /// Per-example input shape, e.g. [1, 28, 28]; nil: the data's flat width.
    public var input: [Int]?

    public init(hidden: [Int], activation: Activation = .relu, initScheme: InitScheme = .torchDefault,
                biasInit: BiasInit = .zeros, output: OutputKind = .softmax) {
        self.hidden = hidden
        self.activation = activation
        self.initScheme = initScheme
        self.biasInit = biasInit
        self.output = output
    }

    /// The general form: `layers` ends with the output dense layer.
    public init(layers: [LayerSpec], input: [Int]? = nil, initScheme: InitScheme = .torchDefault,
                biasInit: BiasInit = .zeros, output: OutputKind = .softmax) {
        self.init(hidden: [], activation: .identity, initScheme: initScheme, biasInit: biasInit, output: output)
        self.layers = layers
        self.input = input
    }

    /// Hidden widths as the budget sees them: every dense layer but the last (both forms).
    public var denseWidths: [Int] {
        guard let layers else { return hidden }
        return layers.compactMap { if case .dense(let u, _) = $0 { u } else { nil } }.dropLast()
    }
}

public struct TrainConfig: Hashable, Sendable, Codable {
    public var epochs: Int
    public var batch: Int
    public var shuffle: Bool
    public var dropLast: Bool
    /// Early stopping on validation accuracy; the best weights are restored. nil: no early stopping.
    public var patience: Int?
    /// Iterations between per-layer gradient samples (mean |g|, ‖g‖) and loss traces.
    public var recordEvery: Int
    public var clip: GradientClip

    public init(epochs: Int = 5, batch: Int = 32, shuffle: Bool = true, dropLast: Bool = false,
                patience: Int? = nil, recordEvery: Int = 100, clip: GradientClip = .none) {
        self.epochs = epochs
        self.batch = batch
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.patience = patience
        self.recordEvery = recordEvery
        self.clip = clip
    }
}

/// Extra, costlier diagnostics a run computes only when a report asks for them.
public struct Diagnostics: Hashable, Sendable, Codable {
    /// Float64 central-difference gradient check at initialisation, per layer.
    public var gradientCheck: Bool
    /// Model predictions on a grid over the 2-D input range (decision surface), resolution × resolution.
    public var predictionGrid: Int?

    /// The `layers:` entry number of a conv2d layer whose kernels are kept at init and after training (`filters`).
    public var filters: Int?
    /// A layer's activations for the first few test images after training (`feature-maps`).
    public var featureMaps: FeatureMapsRequest?

    public init(gradientCheck: Bool = false, predictionGrid: Int? = nil, filters: Int? = nil, featureMaps: FeatureMapsRequest? = nil) {
        self.gradientCheck = gradientCheck
        self.predictionGrid = predictionGrid
        self.filters = filters
        self.featureMaps = featureMaps
    }
}

/// `feature-maps: {layer, images}`: the output of entry `layer` (an image-shaped one) for the first `images` examples
/// of the test split (else validation, else training).
public struct FeatureMapsRequest: Hashable, Sendable, Codable {
    public var layer: Int
    public var images: Int
    public init(layer: Int, images: Int) {
        self.layer = layer
        self.images = images
    }
}

/// Everything that determines a training run's numbers, besides the data.
public struct TrainingJob: Hashable, Sendable, Codable {
    public var model: ModelConfig
    public var loss: LossKind
    public var optimizer: OptimizerConfig
    public var train: TrainConfig
    public var seed: UInt64
    public var diagnostics: Diagnostics
    /// L2 penalty added to the gradient (torch's `weight_decay` of SGD, Adam, RMSprop, Adagrad); AdamW's
    /// decoupled decay is its own. nil: none (and absent from the cache key).
    public var weightDecay: Float?
    /// nil: the optimizer's learning rate throughout.
    public var schedule: ScheduleConfig?

    public init(model: ModelConfig, loss: LossKind, optimizer: OptimizerConfig, train: TrainConfig,
                seed: UInt64, diagnostics: Diagnostics = Diagnostics()) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.train = train
        self.seed = seed
        self.diagnostics = diagnostics
    }
}

/// The recurrent probe: a tanh RNN whose gradient norm is measured at each time step.
public struct RecurrentProbeConfig: Hashable, Sendable, Codable {
    public var hidden: Int
    public var steps: Int
    public var weightScales: [Float]
    public var activation: Activation

    public init(hidden: Int = 32, steps: Int = 50, weightScales: [Float] = [0.5, 1.0, 1.5], activation: Activation = .tanh) {
        self.hidden = hidden
        self.steps = steps
        self.weightScales = weightScales
        self.activation = activation
    }
}
