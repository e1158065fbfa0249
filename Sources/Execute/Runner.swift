// Runs one validated experiment block: every sweep variant on the engine, data loaded by Datasets.
import Blocks
import Datasets
import Engine
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

extension BlockOutcome {
    /// The outcome of this engine's runs.
    public init(variants: [VariantOutcome]) {
        self.init(engineVersion: EngineInfo.version, variants: variants)
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

/// One variant's result before the block's results are assembled.
public struct VariantRun: Sendable {
    public var outcome: VariantOutcome
    public var key: String
    /// Trained now (false: from the cache, or nothing to train).
    public var trained: Bool
    public var failure: Diagnostic?
    public var warnings: [Diagnostic]
}

public enum Runner {
    /// The cache key of one variant (empty for variants that need no training); reads data files' digests.
    public static func key(_ variant: Variant, context: RunContext) throws -> String {
        if variant.recurrent != nil {
            return RunCache.key(canonicalConfig: variant.canonicalConfig, dataDigest: "none")
        }
        guard variant.job != nil, let data = variant.data else { return "" }
        let digest = try DataLoader.digest(data, bookDirectory: context.bookDirectory, environment: context.environment)
        return RunCache.key(canonicalConfig: variant.canonicalConfig, dataDigest: digest)
    }

    public static func keys(_ spec: ExperimentSpec, context: RunContext) throws -> [String] {
        try spec.variants.map { try key($0, context: context) }
    }

    /// Runs every variant of a block in order (see `runVariant` and `assemble` for running them concurrently).
    public static func run(_ spec: ExperimentSpec, context: RunContext, cache: RunCache? = nil) -> BlockRun {
        assemble(spec, spec.variants.map { runVariant($0, of: spec, context: context, cache: cache) })
    }

    /// Runs one variant, taking it from `cache` when a valid entry exists. Never throws: problems become
    /// the variant's `failure`, located at the block.
    /// `threads`: the run's share of its scheduler's thread budget (never changes the numbers).
    public static func runVariant(_ variant: Variant, of spec: ExperimentSpec, context: RunContext, cache: RunCache?,
                                  threads: ThreadBudget = .all,
                                  progress: (@Sendable (TrainingProgress) -> Void)? = nil) -> VariantRun {
        var warnings: [Diagnostic] = []
        var key = ""
        func failed(_ message: String, hint: String? = nil, outcome: VariantOutcome? = nil) -> VariantRun {
            VariantRun(outcome: outcome ?? VariantOutcome(label: variant.label), key: key, trained: false,
                       failure: .error(at: spec.location, message, hint: hint), warnings: warnings)
        }
        do {
            key = try Self.key(variant, context: context)
            guard !key.isEmpty else {
                // Function plots and other reports that need no run.
                return VariantRun(outcome: VariantOutcome(label: variant.label), key: key, trained: false, warnings: [])
            }
            if let cache {
                switch cache.load(key) {
                case .hit(var v):
                    v.label = variant.label
                    if v.training?.predictionGrid != nil {
                        v.trainingPoints = PageNumbers.trainingPoints(variant, data: nil, context: context)
                    }
                    return VariantRun(outcome: v, key: key, trained: false, warnings: [])
                case .damaged(let why):
                    warnings.append(.warning(at: spec.location, why, hint: "recomputed; the entry was replaced"))
                case .miss:
                    break
                }
            }
            let outcome: VariantOutcome
            // The wall-clock limit applies to each run (each sweep variant), checked between minibatches.
            let deadline = context.timeLimit.map { ContinuousClock.now + $0 }
            var shouldStop: (@Sendable () -> Bool)?
            if let deadline {
                shouldStop = { ContinuousClock.now >= deadline }
            }
            if let recurrent = variant.recurrent {
                outcome = VariantOutcome(label: variant.label, recurrent: RecurrentProbe.run(recurrent, seed: variant.seed))
            } else if let job = variant.job, let dataSpec = variant.data {
                let data = try DataLoader.load(dataSpec, seed: variant.seed, bookDirectory: context.bookDirectory,
                                               environment: context.environment)
                let result = try Trainer.run(job, data: data, threads: threads, progress: progress, shouldStop: shouldStop)
                var trained = VariantOutcome(label: variant.label, training: result)
                if result.predictionGrid != nil {
                    trained.trainingPoints = PageNumbers.trainingPoints(variant, data: data, context: context)
                }
                outcome = trained
                // With `expect: divergence` a diverged run is the lesson: kept, cached, and judged by `assemble`.
                if let d = result.divergence, spec.expect != .divergence {
                    let which = variant.label.isEmpty ? "" : " (\(variant.label))"
                    // Not cached: a diverged run is an error the author will fix.
                    return failed("training diverged\(which): the loss became \(NumberFormat.compact(d.loss)) at epoch \(d.epoch), iteration \(d.iteration)",
                                  hint: "lower the learning rate or clip gradients (train.clip: {norm: 1.0})", outcome: outcome)
                }
            } else {
                return VariantRun(outcome: VariantOutcome(label: variant.label), key: key, trained: false, warnings: [])
            }
            if let cache {
                do {
                    try cache.store(outcome, key: key)
                } catch {
                    warnings.append(.warning(at: spec.location, "could not write the run cache: \(error)"))
                }
            }
            return VariantRun(outcome: outcome, key: key, trained: true, warnings: warnings)
        } catch let e as TrainingStopped {
            let d = timeLimitDiagnostic(e, limit: context.timeLimit ?? .zero, variant: variant.label, at: spec.location)
            return failed(d.message, hint: d.hint)
        } catch let e as EngineError {
            return failed(e.description)
        } catch {
            // Pages never show the author's absolute paths: name files relative to the book.
            return failed("\(error)".replacingOccurrences(of: context.bookDirectory + "/", with: ""))
        }
    }

    /// A variant that was not run here because another machine was to compute it and did not (a failed
    /// Slurm task, say): it fails its block with `message`, located at the block.
    public static func unavailable(_ variant: Variant, of spec: ExperimentSpec, key: String, message: String,
                                   hint: String? = nil) -> VariantRun {
        VariantRun(outcome: VariantOutcome(label: variant.label), key: key, trained: false,
                   failure: .error(at: spec.location, message, hint: hint), warnings: [])
    }

    /// The block's run from its variants' runs (in variant order); the first failure fails the block.
    /// `expect: divergence` fails it when no variant diverged; `expect: error` turns a failure into the
    /// expected one, and fails the block when nothing failed.
    public static func assemble(_ spec: ExperimentSpec, _ runs: [VariantRun]) -> BlockRun {
        let outcome = outcome(spec, runs.map(\.outcome))
        var failure = runs.compactMap(\.failure).first
        var expected: Diagnostic?
        switch spec.expect {
        case .divergence where failure == nil && !outcome.variants.contains { $0.training?.divergence != nil }:
            failure = .error(at: spec.location, "the block expects a divergence, but every variant trained to the end with a finite loss",
                             hint: "raise the learning rate, or remove 'expect: divergence'")
        case .error:
            if let expectedErrors = spec.expectedErrors.first {
                expected = expectedErrors
            } else if let f = failure {
                expected = f
                failure = nil
            } else {
                failure = .error(at: spec.location, "the block expects an error, but it ran without one",
                                 hint: "remove 'expect: error', or make the block fail as the lesson intends")
            }
        default:
            break
        }
        return BlockRun(outcome: outcome, failure: failure, fromCache: !runs.contains { $0.trained }, keys: runs.map(\.key),
                        warnings: runs.flatMap(\.warnings), trained: runs.filter(\.trained).count, expectedFailure: expected)
    }

    /// The block's outcome from its variants' outcomes (each with its decision surface's training points, from
    /// `runVariant`), with the `function:` plots, which need no run.
    public static func outcome(_ spec: ExperimentSpec, _ variants: [VariantOutcome]) -> BlockOutcome {
        BlockOutcome(engineVersion: EngineInfo.version, variants: variants, functionPlots: PageNumbers.functionPlots(spec))
    }

    /// The error box text for a block stopped by its wall-clock limit.
    static func timeLimitDiagnostic(_ e: TrainingStopped, limit: Duration, variant: String, at location: SourceLocation) -> Diagnostic {
        let which = variant.isEmpty ? "" : " (\(variant))"
        let whereStopped = e.epoch > 0 ? ": stopped at epoch \(e.epoch), iteration \(e.iteration)" : ""
        return .error(at: location, "the block ran longer than the time limit of \(TimeLimit.describe(limit))\(which)\(whereStopped)",
                      hint: "make the run smaller, or raise the limit with 'labbook build --time-limit SECONDS'")
    }
}
