// Limits and the build lock: a runaway block meets its wall-clock limit; two builds of one book never interleave.
import Foundation
import Synchronization
import Testing
@testable import LabbookKit

@Suite struct LimitsAndLockTests {
    static let slowBook = """
    # Slow

    ```experiment
    id: forever
    data: {source: gaussian, samples: 20000, features: 50}
    model: {hidden: [256, 256]}
    train: {epochs: 1000, batch: 1}
    ```

    ```experiment
    id: quick
    data: {source: xor}
    model: {hidden: [4]}
    train: {epochs: 1, batch: 4}
    ```

    """

    @Test func aRunawayBlockStopsAtItsTimeLimitAsAnErrorBox() throws {
        let book = try Fixtures.book("slow", ["chapters/01-slow.md": Self.slowBook])
        let out = Fixtures.tempDir("slow-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        var options = Fixtures.options(book, output: out, jobs: 2)
        options.timeLimit = .milliseconds(300)
        let start = ContinuousClock.now
        let report = try Builder.build(options)
        #expect(ContinuousClock.now - start < .seconds(20), "the limit stops the run instead of hanging")
        let forever = try #require(report.blocks.first { $0.id == "forever" })
        #expect(forever.state == .failed)
        #expect(forever.error?.description.hasPrefix(
            "chapters/01-slow.md:3:1: error: the block ran longer than the time limit of 0.3 s: stopped at epoch 1, iteration ") == true,
            "\(forever.error?.description ?? "")")
        #expect(report.blocks.first { $0.id == "quick" }?.state == .ran)
        let page = Fixtures.read(out, "01-slow.html")
        #expect(page.contains("<div class=\"experiment-error\""))
        #expect(page.contains("labbook build --time-limit SECONDS"))
        #expect(report.exitCode == 1)
    }

    /// Issue 15 item 10: the gradient check of a wide network takes minutes (293 s under a 5 s limit before);
    /// it now asks the limit before every parameter.
    @Test func theGradientCheckStopsAtTheTimeLimitToo() throws {
        let book = try Fixtures.book("slow-check", ["chapters/01.md": """
            # Slow check

            ```experiment
            id: checked
            data: {source: gaussian, samples: 64, features: 300}
            model: {hidden: [300, 300]}
            train: {epochs: 1, batch: 64}
            show: [gradient-check]
            ```

            """])
        let out = Fixtures.tempDir("slow-check-out")
        defer { for d in [book, out] { try? FileManager.default.removeItem(at: d) } }
        var options = Fixtures.options(book, output: out, jobs: 1)
        options.timeLimit = .milliseconds(300)
        let start = ContinuousClock.now
        let report = try Builder.build(options)
        #expect(ContinuousClock.now - start < .seconds(20), "the limit stops the gradient check instead of letting it run")
        #expect(report.blocks.first?.error?.description.hasPrefix("chapters/01.md:3:1: error: the block ran longer than the time limit of 0.3 s") == true)
    }

    @Test func timeLimitValuesParse() {
        #expect(BuildOptions.parseTimeLimit("90") == .seconds(90))
        #expect(BuildOptions.parseTimeLimit("15m") == .seconds(900))
        #expect(BuildOptions.parseTimeLimit("2h") == .seconds(7200))
        #expect(BuildOptions.parseTimeLimit("0.5s") == .milliseconds(500))
        for bad in ["0", "-1", "soon", "", "nan", "1e300"] { #expect(BuildOptions.parseTimeLimit(bad) == nil, "\(bad)") }
    }

    @Test func aSecondLockWaitsNamingTheHolderOrRefuses() throws {
        let dir = Fixtures.tempDir("lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        var first: BuildLock? = try BuildLock.acquire(dir)
        let refused = try #require(throws: BuildLock.Failure.self) { try BuildLock.acquire(dir, wait: false) }
        #expect(refused.description == "another labbook build of this book is running (pid \(getpid())); try again when it has finished")

        let events = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let second = try? BuildLock.acquire(dir) { pid in events.withLock { $0.append("waiting for \(pid ?? -1)") } }
            events.withLock { $0.append(second == nil ? "failed" : "acquired") }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(events.withLock { $0 } == ["waiting for \(getpid())"], "the second waits while the first holds the lock")
        events.withLock { $0.append("released") }
        first = nil
        _ = first
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(events.withLock { $0 } == ["waiting for \(getpid())", "released", "acquired"])
    }

    /// Builder.build takes the lock before it writes: while the test holds it, a build waits (naming this
    /// process), writes nothing, and finishes once the lock is released. Without the lock it would not wait.
    @Test func aBuildWaitsForAHeldLockAndWritesNothingMeanwhile() throws {
        let book = try Fixtures.book("held", ["chapters/01.md": BookShapeTests.good])
        let out = Fixtures.tempDir("held-out")
        var options = Fixtures.options(book, output: out, jobs: 1)
        defer { for d in [book, out, options.stateDirectory] { try? FileManager.default.removeItem(at: d) } }
        let waited = Mutex<[Int32?]>([])
        options.onWaitForLock = { pid in waited.withLock { $0.append(pid) } }
        var held: BuildLock? = try BuildLock.acquire(options.stateDirectory)
        let code = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        let shared = options
        Thread.detachNewThread {
            let c = (try? Builder.build(shared).exitCode) ?? -1
            code.withLock { $0 = c }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 2) == .timedOut, "the build must wait while the lock is held")
        #expect(waited.withLock { $0 } == [getpid()])
        #expect(Fixtures.snapshot(out).isEmpty, "nothing is written before the lock is taken")
        held = nil
        _ = held
        #expect(done.wait(timeout: .now() + 120) == .success)
        #expect(code.withLock { $0 } == 0)
        #expect(Fixtures.snapshot(out).keys.contains("01.html"))
    }

    @Test func twoBuildsOfOneBookAtOnceGiveTheSameSiteAsOne() throws {
        let book = try Fixtures.book("twice", ["chapters/01.md": BookShapeTests.good, "chapters/02.md": BookShapeTests.good])
        let out = Fixtures.tempDir("twice-out"), alone = Fixtures.tempDir("alone-out")
        defer { for d in [book, out, alone] { try? FileManager.default.removeItem(at: d) } }
        let waits = Atomic<Int>(0)
        var options = Fixtures.options(book, output: out, jobs: 1)
        options.onWaitForLock = { _ in waits.add(1, ordering: .relaxed) }
        let codes = Mutex<[Int32]>([])
        let shared = options
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let code = (try? Builder.build(shared).exitCode) ?? -1
            codes.withLock { $0.append(code) }
        }
        #expect(codes.withLock { $0 } == [0, 0])
        _ = try Builder.build(Fixtures.options(book, output: alone, jobs: 1))
        var a = Fixtures.snapshot(out), b = Fixtures.snapshot(alone)
        a[BuildLock.fileName] = nil
        b[BuildLock.fileName] = nil
        #expect(a == b)
        #expect(waits.load(ordering: .relaxed) <= 1)
    }
}
