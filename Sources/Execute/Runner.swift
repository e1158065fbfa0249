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
    public var fromCache: Bool

    public init(outcome: BlockOutcome, failure: Diagnostic? = nil, fromCache: Bool = false) {
        self.outcome = outcome
        self.failure = failure
        self.fromCache = fromCache
    }
}

public struct RunContext: Sendable {
    /// Absolute path of the book, to resolve relative data paths.
    public var bookDirectory: String
    public var environment: [String: String]

    public init(bookDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.bookDirectory = bookDirectory
        self.environment = environment
    }
}

public enum Runner {
    /// Runs every variant in order. Never throws: problems become the run's `failure`, located at the block.
    public static func run(_ spec: ExperimentSpec, context: RunContext,
                           progress: (@Sendable (String, TrainingProgress) -> Void)? = nil) -> BlockRun {
        var variants: [VariantOutcome] = []
        for variant in spec.variants {
            do {
                if let recurrent = variant.recurrent {
                    variants.append(VariantOutcome(label: variant.label,
                                                   recurrent: RecurrentProbe.run(recurrent, seed: variant.seed)))
                } else if let job = variant.job, let dataSpec = variant.data {
                    let data = try DataLoader.load(dataSpec, seed: variant.seed, bookDirectory: context.bookDirectory,
                                                   environment: context.environment)
                    let label = variant.label
                    let result = try Trainer.run(job, data: data, progress: progress.map { p in { p(label, $0) } })
                    variants.append(VariantOutcome(label: variant.label, training: result))
                    if let d = result.divergence {
                        let which = variant.label.isEmpty ? "" : " (\(variant.label))"
                        return BlockRun(outcome: BlockOutcome(variants: variants), failure: .error(
                            at: spec.location,
                            "training diverged\(which): the loss became \(NumberFormat.compact(d.loss)) at epoch \(d.epoch), iteration \(d.iteration)",
                            hint: "lower the learning rate or clip gradients (train.clip: {norm: 1.0})"))
                    }
                } else {
                    // Function plots and other reports that need no run.
                    variants.append(VariantOutcome(label: variant.label))
                }
            } catch let e as EngineError {
                return BlockRun(outcome: BlockOutcome(variants: variants), failure: .error(at: spec.location, e.description))
            } catch {
                return BlockRun(outcome: BlockOutcome(variants: variants),
                                failure: .error(at: spec.location, "\(error)"))
            }
        }
        return BlockRun(outcome: BlockOutcome(variants: variants))
    }
}
