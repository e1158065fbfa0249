// `labbook plan` and `labbook run-one` without Slurm: idempotent runs, and the BLAS kernel in every entry.
import Execute
import Foundation
import Outcomes
import TestSupport
import Testing
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

@Suite struct SlurmPackingTests {
    static func run(_ key: String, _ gflop: Double) -> PlannedRun {
        PlannedRun(key: key, chapter: "chapters/01.md", line: 1, block: "b", variant: key, gflop: gflop, reason: "missing")
    }

    @Test func largeRunsGetATaskEachLongestFirstAndSmallOnesShare() {
        let plan = [Self.run("small1", 1), Self.run("big", 500), Self.run("small2", 15), Self.run("bigger", 900), Self.run("small3", 10)]
        // 20 GFLOP per shared task: 15 + 10 fills one, 1 is left for the next.
        #expect(SlurmScript.pack(plan, runsPerTask: 0) == [[3], [1], [2, 4], [0]])
        #expect(SlurmScript.pack(plan, runsPerTask: 1) == [[3], [1], [2], [4], [0]])
        #expect(SlurmScript.pack(plan, runsPerTask: 2) == [[3, 1], [2, 4], [0]])
        #expect(SlurmScript.pack([], runsPerTask: 0) == [])
    }

    @Test func theScriptQuotesPathsAndExportsThePlannersKernel() {
        var o = SlurmOptions()
        o.maxParallel = 3
        let s = SlurmScript.script(.init(
            jobName: "labbook-x", taskCount: 5, runDirectory: URL(fileURLWithPath: "/shared/it's/cache/slurm/1"),
            book: URL(fileURLWithPath: "/shared/book"), cache: URL(fileURLWithPath: "/shared/it's/cache"),
            binary: URL(fileURLWithPath: "/shared/bin/labbook"), binaryDigest: "ab12", kernel: "Haswell", coreType: "haswell",
            labbookData: "/shared/data", options: o))
        #expect(s.contains("#SBATCH --array=0-4%3\n"))
        #expect(s.contains("export OPENBLAS_CORETYPE='haswell'\nexport LABBOOK_DATA='/shared/data'\n"))
        #expect(s.contains("run='/shared/it'\\''s/cache/slurm/1'"))
        #expect(s.contains("--expect-binary ab12 --expect-kernel 'Haswell' $keys"))
    }
}
