// Runs blocks' variants concurrently on a fixed number of workers; results come back in input order.
import Blocks
import Datasets
import Dispatch
import Engine
import Execute
import Foundation
import Synchronization

enum Executor {
    /// Runs every variant of every spec with at most `jobs` at once, largest first so that a long run does
    /// not start last. Returns (run, seconds of training) per spec, in order; the output does not depend on
    /// which worker ran what.
    static func runAll(_ specs: [ExperimentSpec], context: RunContext, cache: RunCache?, jobs: Int) -> [(BlockRun, Double)] {
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
        let next = Atomic<Int>(0)
        let workers = max(1, min(jobs, tasks.count))
        if !tasks.isEmpty {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if i >= ordered.count { break }
                    let t = ordered[i]
                    let spec = specs[t.spec]
                    let start = DispatchTime.now().uptimeNanoseconds
                    let run = Runner.runVariant(spec.variants[t.variant], of: spec, context: context, cache: cache)
                    let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    results.withLock { $0[t.spec][t.variant] = run }
                    seconds.withLock { $0[t.spec] += s }
                }
            }
        }
        let all = results.withLock { $0 }
        let secs = seconds.withLock { $0 }
        return specs.indices.map { si in
            let runs = all[si].enumerated().map { vi, r in
                r ?? Runner.runVariant(specs[si].variants[vi], of: specs[si], context: context, cache: cache)
            }
            return (Runner.assemble(specs[si], runs), secs[si])
        }
    }

    /// A rough size of a variant's work (examples × epochs × weights), to start the longest runs first.
    static func estimatedCost(_ v: Variant) -> Double {
        guard let job = v.job, let data = v.data else { return 0 }
        let examples = Double(data.train ?? data.samples)
        let widths = [Double(DataLoader.inputWidth(data) ?? 1)] + job.model.hidden.map(Double.init) + [10]
        let weights = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        return examples * Double(max(job.train.epochs, 1)) * weights
    }
}
