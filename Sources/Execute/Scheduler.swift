// The build's scheduling: blocks' variants on a fixed number of workers, largest first, each run given its share of
// the thread budget; results come back in input order.
import Blocks
import Datasets
import Dispatch
import Engine
import Foundation
import LabbookCore
import Outcomes
import Synchronization

/// Why a run was not computed by the executor that was to compute it (a failed Slurm task, say).
public struct RunProblem: Sendable, Hashable {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}

public enum Scheduler {
    /// Runs every variant of every spec with at most `jobs` at once, largest first so that a long run does
    /// not start last. Returns (run, seconds of training) per spec, in order; the output does not depend on
    /// which worker ran what.
    /// Runs named in `unavailable` (by key) are not trained: another executor was to compute them and could not.
    public static func runAll(_ specs: [ExperimentSpec], context: RunContext, cache: RunCache?, jobs: Int,
                       unavailable: [String: RunProblem] = [:], progress: BuildProgress? = nil,
                       onBlockDone: (@Sendable (Int, BlockRun, Double) -> Void)? = nil) -> [(BlockRun, Double)] {
        struct Task { var spec: Int; var variant: Int; var cost: Double }
        var tasks: [Task] = []
        for (si, spec) in specs.enumerated() {
            for (vi, v) in spec.variants.enumerated() {
                tasks.append(Task(spec: si, variant: vi, cost: estimatedCost(v)))
            }
        }
        tasks.sort { ($0.cost, $1.spec, $1.variant) > ($1.cost, $0.spec, $0.variant) }
        let ordered = tasks
        let variantCounts = specs.map(\.variants.count)
        let results = Mutex(specs.indices.map { [VariantRun?](repeating: nil, count: variantCounts[$0]) })
        let seconds = Mutex([Double](repeating: 0, count: specs.count))
        let remaining = Mutex(variantCounts)
        let assembled = Mutex([BlockRun?](repeating: nil, count: specs.count))
        let next = Atomic<Int>(0)
        let workers = max(1, min(jobs, tasks.count))
        // Thread budget: while several runs go side by side each stays on its own thread; the engine's
        // helper thread is for a run that is alone (and at the tail of the build, when one run is left).
        // Each run asks at every parallel region; the count belongs to this call, not to the process.
        let active = Atomic<Int>(0)
        let budget = ThreadBudget { active.load(ordering: .relaxed) <= 1 }
        if !tasks.isEmpty {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if i >= ordered.count { break }
                    let t = ordered[i]
                    let spec = specs[t.spec]
                    let start = DispatchTime.now().uptimeNanoseconds
                    let variant = spec.variants[t.variant]
                    let name = variant.label.isEmpty ? spec.id : "\(spec.id)[\(variant.label)]"
                    active.wrappingAdd(1, ordering: .relaxed)
                    defer { active.wrappingSubtract(1, ordering: .relaxed) }
                    progress?.started(name)
                    var onProgress: (@Sendable (TrainingProgress) -> Void)?
                    if let progress {
                        onProgress = { progress.update(name, $0) }
                    }
                    let run: VariantRun
                    if !unavailable.isEmpty, let key = try? Runner.key(variant, context: context), let p = unavailable[key] {
                        run = Runner.unavailable(variant, of: spec, key: key, message: p.message, hint: p.hint)
                    } else {
                        run = Runner.runVariant(variant, of: spec, context: context, cache: cache, threads: budget, progress: onProgress)
                    }
                    progress?.finished(name)
                    let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    results.withLock { $0[t.spec][t.variant] = run }
                    let total = seconds.withLock { $0[t.spec] += s; return $0[t.spec] }
                    let blockDone = remaining.withLock { $0[t.spec] -= 1; return $0[t.spec] == 0 }
                    if blockDone {
                        let runs = results.withLock { $0[t.spec].compactMap { $0 } }
                        let block = Runner.assemble(spec, runs)
                        assembled.withLock { $0[t.spec] = block }
                        onBlockDone?(t.spec, block, total)
                    }
                }
            }
        }
        let all = results.withLock { $0 }
        let blocks = assembled.withLock { $0 }
        let secs = seconds.withLock { $0 }
        return specs.indices.map { si in
            if let block = blocks[si] { return (block, secs[si]) }
            // A spec without variants (nothing was scheduled for it).
            let runs = all[si].enumerated().map { vi, r in
                r ?? Runner.runVariant(specs[si].variants[vi], of: specs[si], context: context, cache: cache)
            }
            return (Runner.assemble(specs[si], runs), secs[si])
        }
    }

    /// A rough size of a variant's work (examples × epochs × weights), to start the longest runs first.
    public static func estimatedCost(_ v: Variant) -> Double {
        guard let job = v.job, let data = v.data else { return 0 }
        let examples = Double(data.train ?? data.samples)
        let widths = [Double(data.inputWidth ?? 1)] + job.model.denseWidths.map(Double.init) + [10]
        let weights = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        return examples * Double(max(job.train.epochs, 1)) * weights
    }
}

/// What is running now, for a live display on a terminal: one entry per running variant.
public final class BuildProgress: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var epoch: Int
        public var epochs: Int
        public var loss: Double
        public var started: Double
    }
    let state = Mutex([String: Entry]())

    public init() {}

    public func started(_ name: String) {
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        state.withLock { $0[name] = Entry(name: name, epoch: 0, epochs: 0, loss: .nan, started: now) }
    }

    public func update(_ name: String, _ p: TrainingProgress) {
        state.withLock { s in
            s[name]?.epoch = p.epoch
            s[name]?.epochs = p.epochs
            s[name]?.loss = p.loss
        }
    }

    public func finished(_ name: String) { state.withLock { _ = $0.removeValue(forKey: name) } }

    /// `activation-sweep[relu] epoch 12/50 loss 0.312 ETA 41 s`, one per running variant, sorted by name.
    public func lines() -> [String] {
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        return state.withLock { s in
            s.values.sorted { $0.name < $1.name }.map { e in
                guard e.epochs > 0, e.epoch > 0 else { return "\(e.name) starting" }
                let elapsed = now - e.started
                let eta = elapsed / Double(e.epoch) * Double(e.epochs - e.epoch)
                return "\(e.name) epoch \(e.epoch)/\(e.epochs) loss \(String(format: "%.3f", e.loss)) ETA \(Int(eta.rounded())) s"
            }
        }
    }
}
