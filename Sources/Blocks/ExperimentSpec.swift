// The validated, typed form of an experiment block, its sweep variants and its reports.
import Foundation
import LabbookCore
import Vocabulary

public struct ExperimentSpec: Sendable, Hashable {
    public var id: String
    public var title: String?
    /// The opening fence's line in the chapter file.
    public var location: SourceLocation
    public var seed: UInt64
    /// The data and training job (of the first variant when there is a sweep); nil for blocks that
    /// only plot functions and for recurrent probes.
    public var data: DataSpec?
    public var job: TrainingJob?
    public var recurrent: RecurrentProbeConfig?
    public var sweep: [SweepAxis]
    public var show: [Report]
    public var echo: Bool
    /// The block's YAML as written, for `echo: true`.
    public var yaml: String
    /// One per sweep combination, computed and validated when the block was read.
    var sweepVariants: [Variant]
    /// `expect:`: the block is meant to diverge or to fail (a lesson in failure; the build still succeeds).
    public var expect: Expectation?
    /// With `expect: error`, the validation errors the block was expected to have (it then runs nothing).
    public var expectedErrors: [Diagnostic] = []
    /// Whether `sweep.labels` named the variants (tables then head their first column "variant").
    public var sweepLabelled = false

    public init(id: String, title: String? = nil, location: SourceLocation, seed: UInt64 = 0, data: DataSpec? = nil,
                job: TrainingJob? = nil, recurrent: RecurrentProbeConfig? = nil, sweep: [SweepAxis] = [],
                show: [Report] = [.summaryTable], echo: Bool = false, yaml: String = "") {
        self.id = id
        self.title = title
        self.location = location
        self.seed = seed
        self.data = data
        self.job = job
        self.recurrent = recurrent
        self.sweep = sweep
        self.show = show
        self.echo = echo
        self.yaml = yaml
        self.sweepVariants = []
    }

    /// The runs of this block: the sweep's cartesian product in the order written (the first axis
    /// varies slowest), or a single variant labelled "" without a sweep.
    public var variants: [Variant] {
        if sweep.isEmpty || sweepVariants.isEmpty {
            return [Variant(label: "", data: data, job: job, recurrent: recurrent, seed: seed)]
        }
        return sweepVariants
    }

    /// Whether running this block trains a network (as opposed to plotting functions or probing an RNN).
    public var needsTraining: Bool { job != nil }
}

/// One swept key and its values in the order written.
public struct SweepAxis: Sendable, Hashable {
    /// A dotted path such as "model.activation".
    public var key: String
    /// Display labels of the values ("relu", "0.1", "{name: uniform, limit: 0.01}").
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// One run of a block: a point of the sweep.
public struct Variant: Sendable, Hashable {
    /// "relu" for one axis, "activation=relu, lr=0.1" for several, "" without a sweep.
    public var label: String
    public var data: DataSpec?
    public var job: TrainingJob?
    public var recurrent: RecurrentProbeConfig?
    public var seed: UInt64

    public init(label: String, data: DataSpec?, job: TrainingJob?, recurrent: RecurrentProbeConfig?, seed: UInt64) {
        self.label = label
        self.data = data
        self.job = job
        self.recurrent = recurrent
        self.seed = seed
    }

    /// Key-order-independent JSON (sorted keys) of everything that determines this run's numbers:
    /// data, model, loss, optimizer, train, diagnostics, recurrent probe and seed. Titles, labels,
    /// reports' presentation and the YAML's layout are not part of it. Execute adds the data digest
    /// and the engine version to make a cache key.
    public var canonicalConfig: String {
        struct Canonical: Encodable {
            var data: DataSpec?
            var job: TrainingJob?
            var recurrent: RecurrentProbeConfig?
            var seed: UInt64
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let value = Canonical(data: data, job: job, recurrent: recurrent, seed: seed)
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            return "{}"
        }
        return text
    }
}

/// What a block is expected to do instead of training cleanly.
public enum Expectation: String, Sendable, Hashable, CaseIterable {
    /// At least one variant's loss must become non-finite; the others train as usual.
    case divergence
    /// The block must fail (at validation or while running); its message is shown.
    case error
}

// MARK: - Reports

/// What a block shows. Each report's options are validated against the block's network.
public enum Report: Sendable, Hashable {
    case histogram(HistogramReport)
    case curve(CurveReport)
    case summaryTable
    case deadNeurons(when: MomentChoice)
    case gradientCheck
    case predictions(grid: Bool)
    case function(FunctionReport)
    /// The kernels of a conv layer (an entry of `layers:`) as tiles, at init and/or after training.
    case filters(layer: Int, when: MomentChoice)
    /// A layer's activations for the first few test images, as tiles.
    case featureMaps(layer: Int, images: Int)

    /// The name an author writes.
    public var name: String {
        switch self {
        case .histogram: "histogram"
        case .curve: "curve"
        case .summaryTable: "table"
        case .deadNeurons: "dead-neurons"
        case .gradientCheck: "gradient-check"
        case .predictions: "predictions"
        case .function: "function"
        case .filters: "filters"
        case .featureMaps: "feature-maps"
        }
    }
}

/// When values are sampled: at initialisation, after training, or both (side by side).
public enum MomentChoice: String, Sendable, Hashable, Codable, CaseIterable {
    case initial = "init"
    case trained
    case both

    public var moments: [Moment] {
        switch self {
        case .initial: [.initial]
        case .trained: [.trained]
        case .both: [.initial, .trained]
        }
    }
}

public enum HistogramQuantity: String, Sendable, Hashable, CaseIterable {
    case weights, activations, gradients
    case log10AbsGradients = "log10-abs-gradients"
}

public struct HistogramReport: Sendable, Hashable {
    public var of: HistogramQuantity
    /// Linear-layer indices (0 = first hidden layer, hidden.count = output layer); nil = all.
    public var layers: [Int]?
    public var when: MomentChoice
    public var bins: Int
    public var sharedAxes: Bool

    public init(of: HistogramQuantity, layers: [Int]? = nil, when: MomentChoice = .trained, bins: Int = 50, sharedAxes: Bool = true) {
        self.of = of
        self.layers = layers
        self.when = when
        self.bins = bins
        self.sharedAxes = sharedAxes
    }
}

public enum CurveQuantity: String, Sendable, Hashable, CaseIterable {
    case loss, accuracy
    case meanAbsGradient = "mean-abs-gradient"
    case gradientNorm = "gradient-norm"
    /// The learning rate of each epoch (`schedule:`).
    case lr
}

public enum CurveAxis: String, Sendable, Hashable, CaseIterable {
    case epoch, iteration
    case timeStep = "time-step"
    /// x is the layer index: a per-layer gradient quantity at the first recorded iteration (at initialisation).
    case layer
}

/// A split a loss or accuracy curve can show (`curve: {split: [train, validation]}`).
public enum CurveSplit: String, Sendable, Hashable, CaseIterable {
    case train, validation
}

public struct CurveReport: Sendable, Hashable {
    public var of: CurveQuantity
    public var per: CurveAxis
    /// For per-layer quantities (gradients): which layers get a line; nil = all.
    public var layers: [Int]?
    /// Loss and accuracy per epoch: the splits drawn; nil = the default (training and validation for one
    /// run, validation for a sweep when every variant has it, else training).
    public var splits: [CurveSplit]?
    /// `scale: log`: a log₁₀ y axis (nil: the report's default).
    public var logScale: Bool?

    public init(of: CurveQuantity, per: CurveAxis = .epoch, layers: [Int]? = nil, splits: [CurveSplit]? = nil, logScale: Bool? = nil) {
        self.of = of
        self.per = per
        self.layers = layers
        self.splits = splits
        self.logScale = logScale
    }
}

public enum FunctionQuantity: String, Sendable, Hashable, CaseIterable {
    case activations, derivatives, losses
}

/// A plot of functions, no training: activations (or their derivatives) or losses over `lower…upper`.
public struct FunctionReport: Sendable, Hashable {
    public var of: FunctionQuantity
    public var lower: Double
    public var upper: Double
    /// Legend labels in order: "sigmoid", "leaky-relu(slope: 0.1)", "huber(delta: 1)".
    public var names: [String]
    /// The activations plotted (for `activations` and `derivatives`), parallel to `names`.
    public var activations: [Activation]
    /// The losses plotted (for `losses`), parallel to `names`; plotted against the prediction for target 0.
    public var losses: [LossKind]

    public init(of: FunctionQuantity, lower: Double = -5, upper: Double = 5, names: [String],
                activations: [Activation] = [], losses: [LossKind] = []) {
        self.of = of
        self.lower = lower
        self.upper = upper
        self.names = names
        self.activations = activations
        self.losses = losses
    }

    /// The range as written, `[lower, upper]`.
    public var range: [Double] { [lower, upper] }
}

// MARK: - Book and chapter settings

public struct BookConfig: Sendable, Hashable {
    public var title: String?
    public var author: String?
    /// BCP 47 tag for `<html lang>`, default "en".
    public var language: String
    public var description: String?
    /// Experiment keys merged under every block of the book (locations point into book.yml).
    public var defaults: YAMLTree?
    /// `bibliography: FILE` (relative to the book); nil means `references.bib` when it exists.
    public var bibliography: String?

    public init(title: String? = nil, author: String? = nil, language: String = "en", description: String? = nil, defaults: YAMLTree? = nil) {
        self.title = title
        self.author = author
        self.language = language
        self.description = description
        self.defaults = defaults
    }
}

public struct ChapterMeta: Sendable, Hashable {
    public var title: String?
    /// The chapter's own BCP 47 language (front matter `language:`), overriding the book's.
    public var language: String?
    /// Experiment keys merged over the book's defaults, under each block's own keys.
    public var defaults: YAMLTree?

    public init(title: String? = nil, defaults: YAMLTree? = nil) {
        self.title = title
        self.defaults = defaults
    }
}
