// Runs one validated experiment block: every sweep variant on the engine, data loaded by Datasets.
import Blocks
import Datasets
import Engine
import Foundation
import LabbookCore

/// What one variant of a block produced.
public struct VariantOutcome: Sendable, Codable, Hashable {
    public var label: String
    public var training: TrainingResult?
    public var recurrent: RecurrentProbeResult?

    public init(label: String, training: TrainingResult? = nil, recurrent: RecurrentProbeResult? = nil) {
        self.label = label
        self.training = training
        self.recurrent = recurrent
    }
}

/// Everything a block's reports need; cached as a whole (issue: cache the run, not the page).
public struct BlockOutcome: Sendable, Codable, Hashable {
    public var engineVersion: String
    public var variants: [VariantOutcome]

    public init(engineVersion: String = EngineInfo.version, variants: [VariantOutcome]) {
        self.engineVersion = engineVersion
        self.variants = variants
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

    public init(outcome: BlockOutcome, failure: Diagnostic? = nil, fromCache: Bool = false, keys: [String] = [],
                warnings: [Diagnostic] = []) {
        self.outcome = outcome
        self.failure = failure
        self.fromCache = fromCache
        self.keys = keys
        self.warnings = warnings
    }
}

public struct RunContext: Sendable {
    /// Absolute path of the book, to resolve relative data paths.
    public var bookDirectory: String
    public var environment: [String: String]
    /// Wall-clock limit for one block (all its variants together); nil for none.
    public var timeLimit: Duration?

    public init(bookDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                timeLimit: Duration? = nil) {
        self.bookDirectory = bookDirectory
        self.environment = environment
        self.timeLimit = timeLimit
    }
}

public enum Runner {
    /// The cache key of every variant (empty for variants that need no training); reads data files' digests.
    public static func keys(_ spec: ExperimentSpec, context: RunContext) throws -> [String] {
        try spec.variants.map { variant in
            if variant.recurrent != nil {
                return RunCache.key(canonicalConfig: variant.canonicalConfig, dataDigest: "none")
            }
            guard variant.job != nil, let data = variant.data else { return "" }
            let digest = try DataLoader.digest(data, bookDirectory: context.bookDirectory, environment: context.environment)
            return RunCache.key(canonicalConfig: variant.canonicalConfig, dataDigest: digest)
        }
    }

    /// Runs every variant in order, taking what it can from `cache`. Never throws: problems become the run's
    /// `failure`, located at the block.
    public static func run(_ spec: ExperimentSpec, context: RunContext, cache: RunCache? = nil,
                           progress: (@Sendable (String, TrainingProgress) -> Void)? = nil) -> BlockRun {
        var variants: [VariantOutcome] = []
        var warnings: [Diagnostic] = []
        var keys: [String] = []
        var trainedAny = false
        func stop(_ d: Diagnostic) -> BlockRun {
            BlockRun(outcome: BlockOutcome(variants: variants), failure: d, fromCache: false, keys: keys, warnings: warnings)
        }
        let deadline = context.timeLimit.map { ContinuousClock.now + $0 }
        var shouldStop: (@Sendable () -> Bool)?
        if let deadline {
            shouldStop = { ContinuousClock.now >= deadline }
        }
        for variant in spec.variants {
            do {
                if let deadline, ContinuousClock.now >= deadline { throw TrainingStopped(epoch: 0, iteration: 0) }
                let needsRun = variant.recurrent != nil || (variant.job != nil && variant.data != nil)
                var key = ""
                if needsRun {
                    if variant.recurrent != nil {
                        key = RunCache.key(canonicalConfig: variant.canonicalConfig, dataDigest: "none")
                    } else if let data = variant.data {
                        let digest = try DataLoader.digest(data, bookDirectory: context.bookDirectory, environment: context.environment)
                        key = RunCache.key(canonicalConfig: variant.canonicalConfig, dataDigest: digest)
                    }
                    if let cache {
                        switch cache.load(key) {
                        case .hit(let v):
                            var v = v
                            v.label = variant.label
                            variants.append(v)
                            keys.append(key)
                            continue
                        case .damaged(let why):
                            warnings.append(.warning(at: spec.location, why, hint: "recomputed; the entry was replaced"))
                        case .miss:
                            break
                        }
                    }
                }
                keys.append(key)
                let outcome: VariantOutcome
                if let recurrent = variant.recurrent {
                    outcome = VariantOutcome(label: variant.label, recurrent: RecurrentProbe.run(recurrent, seed: variant.seed))
                } else if let job = variant.job, let dataSpec = variant.data {
                    let data = try DataLoader.load(dataSpec, seed: variant.seed, bookDirectory: context.bookDirectory,
                                                   environment: context.environment)
                    let label = variant.label
                    var onProgress: (@Sendable (TrainingProgress) -> Void)?
                    if let progress {
                        onProgress = { progress(label, $0) }
                    }
                    let result = try Trainer.run(job, data: data, progress: onProgress, shouldStop: shouldStop)
                    outcome = VariantOutcome(label: variant.label, training: result)
                    if let d = result.divergence {
                        variants.append(outcome)
                        let which = variant.label.isEmpty ? "" : " (\(variant.label))"
                        return stop(.error(
                            at: spec.location,
                            "training diverged\(which): the loss became \(NumberFormat.compact(d.loss)) at epoch \(d.epoch), iteration \(d.iteration)",
                            hint: "lower the learning rate or clip gradients (train.clip: {norm: 1.0})"))
                    }
                } else {
                    // Function plots and other reports that need no run.
                    variants.append(VariantOutcome(label: variant.label))
                    continue
                }
                trainedAny = true
                variants.append(outcome)
                if let cache {
                    do {
                        try cache.store(outcome, key: key)
                    } catch {
                        warnings.append(.warning(at: spec.location, "could not write the run cache: \(error)"))
                    }
                }
            } catch let e as TrainingStopped {
                return stop(timeLimitDiagnostic(e, limit: context.timeLimit ?? .zero, variant: variant.label, at: spec.location))
            } catch let e as EngineError {
                return stop(.error(at: spec.location, e.description))
            } catch {
                // Pages never show the author's absolute paths: name files relative to the book.
                let message = "\(error)".replacingOccurrences(of: context.bookDirectory + "/", with: "")
                return stop(.error(at: spec.location, message))
            }
        }
        return BlockRun(outcome: BlockOutcome(variants: variants), fromCache: !trainedAny, keys: keys, warnings: warnings)
    }

    /// The error box text for a block stopped by its wall-clock limit.
    static func timeLimitDiagnostic(_ e: TrainingStopped, limit: Duration, variant: String, at location: SourceLocation) -> Diagnostic {
        let which = variant.isEmpty ? "" : " (\(variant))"
        let whereStopped = e.epoch > 0 ? ": stopped at epoch \(e.epoch), iteration \(e.iteration)" : ""
        return .error(at: location, "the block ran longer than the time limit of \(TimeLimit.describe(limit))\(which)\(whereStopped)",
                      hint: "make the run smaller, or raise the limit with 'labbook build --time-limit SECONDS'")
    }
}
