// A persistent pool of one helper thread per extra core, handing work over by spinning, then sleeping.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Synchronization

/// Runs `parts` independent pieces of work, part q on thread q % threads (the caller is thread 0).
///
/// Determinism lives in the callers: they fix the number of parts and their boundaries from the shape of
/// the work alone, so every part is the same computation whether the pool has 1, 2 or 8 threads, or is
/// busy with another run (then the caller runs all parts itself, in order). The pool only decides where
/// a part runs, never what it computes.
///
/// Why not Dispatch: a training step has two parallel regions of ~0.1–3 ms each; a helper that spins
/// ~50 µs before sleeping picks each one up within a microsecond instead of a thread wake-up, and the
/// minibatch's rows stay on the same core from forward to backward.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(threads: min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), maxThreads))
    /// No more threads than the largest partition any caller uses.
    static let maxThreads = 2

    let threads: Int
    /// Bumped once per region; helpers wait for a generation they have not run.
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var parts = 0
    private var body: ((Int) -> Void)?

    private init(threads: Int) {
        self.threads = threads
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
        for h in 1..<max(threads, 1) {
            let box = Unmanaged.passRetained(HelperStart(pool: self, index: h))
            var t = pthread_t()
            let rc = pthread_create(&t, nil, { raw in
                let start = Unmanaged<HelperStart>.fromOpaque(raw!).takeRetainedValue()
                start.pool.helperLoop(start.index)
                return nil
            }, box.toOpaque())
            if rc == 0 { pthread_detach(t) } else { box.release() }
        }
    }

    /// Calls body(0..<parts), spread over the pool; returns when all are done. Runs inline when the pool
    /// has one thread, there is one part, or another region (another run on another thread) holds the pool.
    func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, threads > 1, ThreadBudget.current.helperAllowed(), !busy.exchange(true, ordering: .acquiring) else {
            for q in 0..<parts { body(q) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            self.body = escaping
            self.parts = parts
            finished.store(0, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(&mutex)
                pthread_cond_broadcast(&wake)
                pthread_mutex_unlock(&mutex)
            }
            for q in stride(from: 0, to: parts, by: threads) { escaping(q) }
            let helpers = threads - 1
            // Spin, then yield: on a loaded machine the helper may have lost its core, and spinning through the
            // rest of our time slice would keep it (or whoever holds that core) waiting longer.
            var spins = 0
            while finished.load(ordering: .acquiring) < helpers {
                spins += 1
                if spins < 4_000 { spinPause() } else { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    private func helperLoop(_ index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < 20_000 { spinPause(); continue }
                // Sleep until the next region; re-check under the mutex so a wake-up cannot be lost.
                pthread_mutex_lock(&mutex)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(&wake, &mutex) }
                sleepers.subtract(1, ordering: .relaxed)
                pthread_mutex_unlock(&mutex)
            }
            seen = generation.load(ordering: .acquiring)
            if let body {
                for q in stride(from: index, to: parts, by: threads) { body(q) }
            }
            finished.add(1, ordering: .releasing)
        }
    }
}

private final class HelperStart {
    let pool: WorkerPool
    let index: Int
    init(pool: WorkerPool, index: Int) { self.pool = pool; self.index = index }
}

/// A busy-wait step; Swift has no pause intrinsic, and the atomic load in the loop keeps it honest.
@inline(__always) private func spinPause() {}

/// The threads one run may use, given to it by whoever starts it (`Trainer.run(threads:)`; a build's scheduler in
/// Execute). It is asked at each parallel region, so a run left alone at the tail of a build takes the helper
/// thread back. Runs started side by side (`labbook build --jobs 2`) each stay on their own thread. A budget
/// applies to the thread that runs the work, never to the process: two runs, or two test suites, on two threads
/// do not see each other's. It changes where parts run, never what they compute: the bits are the same either way.
public struct ThreadBudget: Sendable {
    let helperAllowed: @Sendable () -> Bool

    /// `helperAllowed` is asked at each parallel region of the run.
    public init(helperAllowed: @escaping @Sendable () -> Bool) { self.helperAllowed = helperAllowed }

    /// The caller's thread and the pool's helper.
    public static let all = ThreadBudget { true }
    /// The caller's thread alone: every region runs inline.
    public static let callerOnly = ThreadBudget { false }

    /// Runs `body` with this budget for every parallel region it reaches on this thread.
    public func apply<T>(_ body: () throws -> T) rethrows -> T {
        try ThreadBudget.$current.withValue(self, operation: body)
    }

    /// The budget of the work running on this thread (a task-local value, bound by `apply`): `.all` outside any.
    @TaskLocal static var current = ThreadBudget.all
}
