// A run's thread budget belongs to the thread that runs it, not to the process: a test (or a run) that keeps to
// its caller's thread does not take the helper away from a suite training beside it, and the other way round.
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Engine

@Suite struct ThreadBudgetTests {
    /// Under `.callerOnly` every part of a region runs on the calling thread, in order.
    @Test func callerOnlyRunsEveryPartInline() {
        let order = Mutex<[Int]>([])
        let caller = pthread_self()
        let onCaller = Atomic<Int>(0)
        ThreadBudget.callerOnly.apply {
            WorkerPool.shared.run(parts: 6) { q in
                order.withLock { $0.append(q) }
                if pthread_equal(pthread_self(), caller) != 0 { onCaller.add(1, ordering: .relaxed) }
            }
        }
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4, 5])
        #expect(onCaller.load(ordering: .relaxed) == 6)
    }

    /// While one thread holds the caller-only budget, another thread still has the whole budget, and a budget
    /// ends with its `apply`. (With the old process-wide switch the second thread saw the first one's setting.)
    @Test func aBudgetIsNeverSeenByAnotherThread() {
        let inside = DispatchSemaphore(value: 0), otherDone = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let seenElsewhere = Mutex<Bool?>(nil)
        let seenInside = Mutex<Bool?>(nil)
        let holder = Thread {
            ThreadBudget.callerOnly.apply {
                seenInside.withLock { $0 = ThreadBudget.current.helperAllowed() }
                inside.signal()
                release.wait()
            }
        }
        holder.start()
        inside.wait()
        let other = Thread {
            seenElsewhere.withLock { $0 = ThreadBudget.current.helperAllowed() }
            otherDone.signal()
        }
        other.start()
        otherDone.wait()
        release.signal()
        #expect(seenInside.withLock { $0 } == false)
        #expect(seenElsewhere.withLock { $0 } == true)
        #expect(ThreadBudget.current.helperAllowed(), "outside any apply: the whole budget")
    }

    /// The budget a run is given is asked at each region: the scheduler's answer can change while the run trains.
    @Test func theBudgetIsAskedAtEachRegion() {
        let asked = Atomic<Int>(0)
        let budget = ThreadBudget { asked.add(1, ordering: .relaxed); return false }
        budget.apply {
            for _ in 0..<3 { WorkerPool.shared.run(parts: 2) { _ in } }
        }
        #expect(asked.load(ordering: .relaxed) == (WorkerPool.shared.threads > 1 ? 3 : 0))
    }
}
