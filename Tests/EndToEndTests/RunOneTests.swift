// `labbook plan` and `labbook run-one` without Slurm: idempotent runs, and the BLAS kernel in every entry.
import Execute
import Foundation
import Testing
import TestSupport
@testable import LabbookKit

@Suite(.serialized) struct RunOneTests {
    @Test func runOneTrainsExactlyTheNamedRunsOnceAndTheBuildOnlyRenders() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let keys = try w.plan(cache: w.path("cache"))
        #expect(keys.keys.sorted() == ["deep-sigmoid[relu]", "deep-sigmoid[sigmoid]", "rnn", "xor"])
        let json = try w.labbook(["plan", w.book.path, "--cache", w.path("cache"), "--json"], "json")
        let decoded = try JSONDecoder().decode([PlannedRun].self, from: Data(json.stdout.utf8))
        #expect(decoded.map(\.block) == ["xor", "deep-sigmoid", "deep-sigmoid", "rnn"])
        #expect(decoded[1].chapter == "chapters/02-depth.md" && decoded[1].line == 5 && decoded[1].variant == "sigmoid")
        #expect(decoded[1].gflop > decoded[0].gflop, "the five-layer sweep costs more than the 2-8-1 XOR")

        let all = Array(keys.values)
        let first = try w.labbook(["run-one", w.book.path, "--cache", w.path("cache")] + all, "first")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.components(separatedBy: ": trained (").count == 5)
        let again = try w.labbook(["run-one", w.book.path, "--cache", w.path("cache")] + all, "again")
        #expect(again.stdout.components(separatedBy: ": already in the cache").count == 5, "idempotent: \(again.stdout)")
        #expect(try w.plan(cache: w.path("cache")).isEmpty)
        let build = try w.labbook(["build", w.book.path, "--output", w.path("out"), "--cache", w.path("cache")], "build")
        #expect(build.stdout.hasSuffix("4 blocks: 0 run, 4 cached, 0 failed\n"), "\(build.stdout)")
        #expect(w.site(w.path("out")) == (try w.localSite()))

        let unknown = try w.labbook(["run-one", w.book.path, String(repeating: "ab", count: 32), "--cache", w.path("cache")], "unknown")
        #expect(unknown.status == 1)
        #expect(unknown.stdout.contains("no run of this book has the key abab"))
        let notKey = try w.labbook(["run-one", w.book.path, "xor"], "not-key")
        #expect(notKey.status == 2)
        #expect(notKey.stderr.contains("'xor' is not a cache key"))
        let usage = try w.labbook(["build", w.book.path, "--partition", "debug"], "usage")
        #expect(usage.status == 2 && usage.stderr.contains("--partition needs --executor slurm"))
    }

    /// Kernels round the last bits differently: an entry from another kernel is never used as if it were ours.
    @Test func anEntryFromAnotherBLASKernelIsRecomputedNotMixedIn() throws {
        let dir = Fixture.tempDir("kernel")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = VariantOutcome(label: "x")
        try RunCache(directory: dir, kernel: "Sandybridge").store(outcome, key: "k1")
        guard case .damaged(let why) = RunCache(directory: dir, kernel: "Haswell").load("k1") else {
            Issue.record("an entry from another kernel was used")
            return
        }
        #expect(why == "cache entry k1.run was computed with the BLAS kernel Sandybridge; this process uses Haswell, whose last bits differ")
        #expect(RunCache(directory: dir, kernel: "SANDYBRIDGE").holds("k1"), "OPENBLAS_CORETYPE spellings ignore case")

        // Through the binary: a run computed under OPENBLAS_CORETYPE=Sandybridge is planned again here.
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let xor = try #require(try w.plan(cache: w.path("cache"))["xor"])
        var sandy = LocalSlurm.environment
        sandy["OPENBLAS_CORETYPE"] = "Sandybridge"
        let one = try w.labbook(["run-one", w.book.path, xor, "--cache", w.path("cache"), "--expect-kernel", "sandybridge"], "sandy", environment: sandy)
        #expect(one.status == 0, "\(one.stderr)")
        var here = LocalSlurm.environment
        here["OPENBLAS_CORETYPE"] = nil
        let plan = try w.labbook(["plan", w.book.path, "--cache", w.path("cache")], "plan-here", environment: here)
        #expect(plan.stdout.contains("\(xor)\tchapters/01-xor.md:13\txor\t-\t"))
        #expect(plan.stdout.contains("was computed with the BLAS kernel Sandybridge"), "\(plan.stdout)")
        let refused = try w.labbook(["run-one", w.book.path, xor, "--cache", w.path("cache"), "--expect-kernel", "Sandybridge"], "refused", environment: here)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("error: BLAS kernel mismatch: OpenBLAS picked"), "\(refused.stderr)")
        let wrongBinary = try w.labbook(["run-one", w.book.path, xor, "--expect-binary", String(repeating: "0", count: 64)], "binary")
        #expect(wrongBinary.status == 3)
        #expect(wrongBinary.stderr.contains("error: binary mismatch: this task runs"))
    }
}
