// Runs blocks concurrently on a fixed thread budget; results come back in input order.
import Blocks
import Dispatch
import Engine
import Execute
import Foundation
import Synchronization

enum Executor {
    /// Runs `specs` with at most `jobs` at once. Returns (run, wall-clock seconds) per spec, in order.
    static func runAll(_ specs: [ExperimentSpec], context: RunContext, cache: RunCache?, jobs: Int) -> [(BlockRun, Double)] {
        guard !specs.isEmpty else { return [] }
        let results = Mutex([(BlockRun, Double)?](repeating: nil, count: specs.count))
        let next = Atomic<Int>(0)
        let workers = min(jobs, specs.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= specs.count { break }
                let start = DispatchTime.now().uptimeNanoseconds
                let run = Runner.run(specs[i], context: context, cache: cache)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                results.withLock { $0[i] = (run, seconds) }
            }
        }
        return results.withLock { $0.map { $0 ?? (BlockRun(outcome: BlockOutcome(variants: [])), 0) } }
    }
}
