// What running a block produced: each variant's outcome, and the block's run as pages and the build see it.
import LabbookCore

/// What one variant of a block produced.
public struct VariantOutcome: Sendable, Codable, Hashable {
    public var label: String
    public var training: TrainingResult?
    public var recurrent: RecurrentProbeResult?
    /// The training points a decision surface draws (XOR's corners, or up to 200 points of a two-class 2-D set);
    /// set when the block is assembled, for variants with a prediction grid. Not part of a cache entry.
    public var trainingPoints: [PlanePoint]?

    public init(label: String, training: TrainingResult? = nil, recurrent: RecurrentProbeResult? = nil) {
        self.label = label
        self.training = training
        self.recurrent = recurrent
    }
}

/// Everything a block's reports need; cached as a whole (issue: cache the run, not the page).
public struct BlockOutcome: Sendable, Codable, Hashable {
    /// The engine that computed the variants (part of every cache key).
    public var engineVersion: String
    public var variants: [VariantOutcome]
    /// The block's `function:` reports, in `show:` order.
    public var functionPlots: [FunctionPlot]

    public init(engineVersion: String, variants: [VariantOutcome], functionPlots: [FunctionPlot] = []) {
        self.engineVersion = engineVersion
        self.variants = variants
        self.functionPlots = functionPlots
    }
}

/// The result of running a block: the outcome so far, and the failure that stopped it, if any.
/// A diverged run keeps its curves up to the divergence so the error box can show them.
public struct BlockRun: Sendable {
    public var outcome: BlockOutcome
    public var failure: Diagnostic?
    /// True when nothing was trained: every variant came from the cache or needed no training.
    public var fromCache: Bool
    /// Cache keys per variant (empty string for variants that need no training), in variant order.
    public var keys: [String]
    /// Damaged cache entries and similar problems that did not stop the block.
    public var warnings: [Diagnostic]
    /// Variants trained by this run (not taken from the cache).
    public var trained: Int
    /// With `expect: error`: the failure the block was meant to have (then `failure` is nil).
    public var expectedFailure: Diagnostic?

    public init(outcome: BlockOutcome, failure: Diagnostic? = nil, fromCache: Bool = false, keys: [String] = [],
                warnings: [Diagnostic] = [], trained: Int = 0, expectedFailure: Diagnostic? = nil) {
        self.outcome = outcome
        self.failure = failure
        self.fromCache = fromCache
        self.keys = keys
        self.warnings = warnings
        self.trained = trained
        self.expectedFailure = expectedFailure
    }
}
