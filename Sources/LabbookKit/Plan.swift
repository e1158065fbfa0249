// `labbook plan`: the runs a build needs that the cache lacks (key, chapter, block, variant, cost), and the
// executor abstraction through which a build hands those runs to another machine before it renders.
import Blocks
import Engine
import Execute
import Foundation
import LabbookCore

/// One run the cache lacks.
public struct PlannedRun: Sendable, Codable, Hashable {
    public var key: String
    /// The chapter file and the block's line, relative to the book (`chapters/02-x.md`, 40).
    public var chapter: String
    public var line: Int
    public var block: String
    /// The sweep variant's label; "" for a block without a sweep.
    public var variant: String
    /// Estimated work in GFLOP (examples × epochs × weights × 6: a multiply-add is 2 flops, backward is twice forward).
    public var gflop: Double
    /// Why it must run: "missing", or the reason a present entry is not used (damaged, another BLAS kernel).
    public var reason: String

    /// `KEY  chapters/02-x.md:40  activation-sweep  relu  12.3 GFLOP` (tab-separated; "-" for no variant).
    public var text: String {
        [key, "\(chapter):\(line)", block, variant.isEmpty ? "-" : variant, "\(NumberFormat.fixed(gflop, 3)) GFLOP"]
            .joined(separator: "\t") + (reason == "missing" ? "" : "\t(\(reason))")
    }
}

/// Where the runs of a build are computed. The local build trains them itself (`Scheduler.runAll` in Execute); an executor
/// gets them computed elsewhere into the (shared) cache first, and says which it could not get.
public protocol RunExecutor: Sendable {
    /// Makes the cache hold the planned runs. Returns, per key, why a run could not be computed (it becomes
    /// its block's error box); a key it does not name and that is still missing is trained locally.
    /// Throws for problems with the executor itself (no sbatch, a bad partition): the build stops with exit 2.
    func prepare(_ plan: [PlannedRun], book: URL, cache: URL, context: RunContext) throws -> [String: RunProblem]
}

public enum Planner {
    /// The runs of `specs` the cache does not hold (valid, this BLAS kernel), in book order, each key once.
    /// Variants whose data cannot be read are left out: the build reports them itself.
    public static func plan(_ specs: [ExperimentSpec], context: RunContext, cache: RunCache) -> [PlannedRun] {
        var seen = Set<String>()
        var out: [PlannedRun] = []
        for spec in specs {
            for v in spec.variants {
                guard let key = try? Runner.key(v, context: context), !key.isEmpty, seen.insert(key).inserted else { continue }
                let reason: String
                switch cache.load(key) {
                case .hit: continue
                case .miss: reason = "missing"
                case .damaged(let why): reason = why
                }
                out.append(PlannedRun(key: key, chapter: spec.location.file, line: spec.location.line, block: spec.id,
                                      variant: v.label, gflop: Scheduler.estimatedCost(v) * 6 / 1e9, reason: reason))
            }
        }
        return out
    }

    /// The plan for a book on disk: every valid block of every chapter.
    public static func plan(book directory: URL, cache: URL,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [PlannedRun] {
        let book = try BookLoader.load(directory)
        let context = RunContext(bookDirectory: book.directory.path, environment: environment)
        return plan(book.chapters.flatMap { $0.blocks.compactMap(\.spec) }, context: context, cache: RunCache(directory: cache))
    }
}

extension Builder {
    /// The executor hook: with `options.executor`, the runs the cache lacks are computed there first; what it
    /// could not compute comes back by key and fails its block instead of being trained here.
    static func prepareRuns(_ specs: [ExperimentSpec], options: BuildOptions, context: RunContext) throws -> [String: RunProblem] {
        guard let executor = options.executor, let cache = options.cache else { return [:] }
        let plan = Planner.plan(specs, context: context, cache: RunCache(directory: cache))
        return try executor.prepare(plan, book: options.book, cache: cache, context: context)
    }
}
