// Builds through a real Slurm (scripts/local-slurm: slurmctld + slurmd on 127.0.0.1): same bytes as a local
// build, a cancelled task fails only its block, builds sharing a cache, and each kind of bad input.
import Execute
import Foundation
import Outcomes
import TestSupport
import Testing
@testable import LabbookKit

enum LocalSlurm {
    static let script = LabbookProcess.package.appendingPathComponent("scripts/local-slurm")

    /// nil once the one-node cluster runs (started now if need be); otherwise why it cannot start here.
    static let problem: String? = {
        let logs = TestFiles.temporaryDirectory("slurm", "start")
        defer { try? FileManager.default.removeItem(at: logs) }
        guard let r = try? LabbookProcess.run(["start"], logs: logs, executable: script) else { return "scripts/local-slurm could not be run" }
        if r.status == 0 { return nil }
        let why = "Slurm tests skipped: scripts/local-slurm start failed: \(r.stderr)\(r.stdout)"
        FileHandle.standardError.write(Data((why + "\n").utf8))
        return why
    }()

    static var available: Bool { problem == nil }

    /// The test environment: this cluster, no LABBOOK_DATA, and a short wait for entries that never come.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LABBOOK_DATA"] = nil
        env["SLURM_CONF"] = (ProcessInfo.processInfo.environment["LABBOOK_SLURM_DIR"] ?? "/tmp/labbook-slurm") + "/slurm.conf"
        env["LABBOOK_SLURM_SETTLE"] = "1"
        return env
    }

    /// Runs a Slurm client command (scancel, scontrol) against the cluster.
    @discardableResult
    static func client(_ name: String, _ args: [String]) throws -> LabbookProcess.Result {
        let logs = TestFiles.temporaryDirectory("slurm", name)
        defer { try? FileManager.default.removeItem(at: logs) }
        return try LabbookProcess.run(args, logs: logs, executable: URL(fileURLWithPath: "/usr/bin/\(name)"), environment: environment)
    }
}

/// A copy of the tiny fixture (two chapters, a two-variant sweep) and a work directory around it.
struct SlurmWork {
    let dir = Fixture.tempDir("slurm")
    var book: URL { dir.appendingPathComponent("book") }

    init() throws { try FileManager.default.copyItem(at: Fixture.book("tiny"), to: book) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func logs(_ name: String) -> URL { dir.appendingPathComponent("logs-\(name)") }

    func labbook(_ args: [String], _ name: String, environment: [String: String] = LocalSlurm.environment) throws -> LabbookProcess.Result {
        try LabbookProcess.run(args, logs: logs(name), environment: environment)
    }

    /// The site of a local `--jobs 2` build, without the lock file.
    func localSite() throws -> [String: Data] {
        let r = try labbook(["build", book.path, "--output", path("local"), "--cache", path("local-cache"), "--jobs", "2"], "local")
        #expect(r.status == 0, "\(r.stderr)")
        return site(path("local"))
    }

    func site(_ path: String) -> [String: Data] {
        Fixture.snapshot(URL(fileURLWithPath: path)).filter { $0.key != BuildLock.fileName }
    }

    /// The keys `labbook plan` lists, by block name (`xor`, `deep-sigmoid[relu]`, …).
    func plan(cache: String) throws -> [String: String] {
        let r = try labbook(["plan", book.path, "--cache", cache], "plan")
        var out: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            if f.count >= 4 { out[f[3] == "-" ? f[2] : "\(f[2])[\(f[3])]"] = f[0] }
        }
        return out
    }

    /// Starts a build with its array held; returns the process, the job id and the task list once submitted.
    func startHeld(_ extra: [String], _ name: String) throws -> (Process, String, [String]) {
        let p = try LabbookProcess.start(["build", book.path, "--executor", "slurm", "--runs-per-task", "1", "--sbatch-arg=--hold"] + extra,
                                         logs: logs(name), environment: LocalSlurm.environment)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, p.isRunning {
            let err = TestFiles.read(logs(name), "stderr")
            if let r = err.range(of: #"submitted Slurm job (\d+): .*\(script: (.*)/job\.sh\)"#, options: .regularExpression) {
                let line = String(err[r])
                let job = line.split(separator: " ")[3].trimmingCharacters(in: CharacterSet(charactersIn: ":"))
                let runDir = String(line[line.range(of: "(script: ")!.upperBound...].dropLast(")".count + "/job.sh".count))
                let tasks = TestFiles.read(URL(fileURLWithPath: runDir), "tasks").split(separator: "\n").map(String.init)
                return (p, job, tasks)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no submission: \(TestFiles.read(logs(name), "stderr"))"])
    }
}

@Suite(.serialized, .enabled(if: LocalSlurm.available, "needs scripts/local-slurm (root, slurmctld, slurmd, munge)"))
struct SlurmBuildTests {
    @Test func aSweepBuiltThroughSlurmIsByteIdenticalToALocalBuild() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let local = try w.localSite()
        let r = try w.labbook(["build", w.book.path, "--executor", "slurm", "--output", w.path("slurm"), "--cache", w.path("cache")], "slurm")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("submitted Slurm job"))
        #expect(w.site(w.path("slurm")) == local)
        #expect(local["02-depth.html"] != nil)
        // Everything is in the cache now: nothing left to plan, and a second build submits nothing.
        #expect(try w.plan(cache: w.path("cache")).isEmpty)
        let again = try w.labbook(["build", w.book.path, "--executor", "slurm", "--output", w.path("slurm2"), "--cache", w.path("cache")], "again")
        #expect(again.status == 0)
        #expect(!again.stderr.contains("submitted"))
        #expect(w.site(w.path("slurm2")) == local)
    }

    @Test func aCancelledTaskFailsOnlyItsBlockAndTheNextBuildSubmitsOnlyThatRun() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let local = try w.localSite()
        let keys = try w.plan(cache: w.path("cache"))
        let xor = try #require(keys["xor"])
        let (p, job, tasks) = try w.startHeld(["--output", w.path("out"), "--cache", w.path("cache")], "cancel")
        let task = try #require(tasks.firstIndex(of: xor))
        #expect(try LocalSlurm.client("scancel", ["\(job)_\(task)"]).status == 0)
        #expect(try LocalSlurm.client("scontrol", ["release", job]).status == 0)
        p.waitUntilExit()
        let out = TestFiles.read(w.logs("cancel"), "stdout")
        #expect(p.terminationStatus == 1)
        #expect(out.contains("chapters/01-xor.md:13 xor: failed: Slurm job \(job), array task \(task) never started (cancelled or removed from the queue)"), "\(out)")
        #expect(out.contains("chapters/02-depth.md:5 deep-sigmoid: cached"))
        #expect(TestFiles.read(URL(fileURLWithPath: w.path("out")), "01-xor.html").contains("experiment-error"))
        #expect(!TestFiles.read(URL(fileURLWithPath: w.path("out")), "02-depth.html").contains("experiment-error"))

        let next = try w.labbook(["build", w.book.path, "--executor", "slurm", "--output", w.path("out"), "--cache", w.path("cache")], "next")
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains(": 1 runs in 1 array tasks"), "\(next.stderr)")
        #expect(w.site(w.path("out")) == local)
    }

    @Test func twoBuildsSharingOneCacheLoseNothingAndDuplicateNoEntry() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let local = try w.localSite()
        let planned = try w.plan(cache: w.path("cache"))
        let builds = try ["one", "two"].map {
            try LabbookProcess.start(["build", w.book.path, "--executor", "slurm", "--runs-per-task", "1", "--output", w.path($0),
                                      "--cache", w.path("cache")], logs: w.logs($0), environment: LocalSlurm.environment)
        }
        for b in builds { b.waitUntilExit() }
        for (b, name) in zip(builds, ["one", "two"]) {
            #expect(b.terminationStatus == 0, "\(TestFiles.read(w.logs(name), "stderr"))")
            #expect(w.site(w.path(name)) == local)
        }
        let files = Fixture.snapshot(URL(fileURLWithPath: w.path("cache"))).keys
        let entries = files.filter { $0.hasSuffix(".run") }
        #expect(entries.count == Set(planned.values).count, "one entry per run: \(entries.sorted())")
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "no temporary file left: \(files.sorted())")
        let cache = RunCache(directory: URL(fileURLWithPath: w.path("cache")))
        for key in planned.values { #expect(cache.holds(key)) }
    }

    @Test func slurmProblemsStopTheBuildWithTheirMessageAndExit2() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let args = ["build", w.book.path, "--executor", "slurm", "--output", w.path("out"), "--cache", w.path("cache")]
        var noSlurm = LocalSlurm.environment
        noSlurm["PATH"] = w.dir.path
        let missing = try w.labbook(args, "missing", environment: noSlurm)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error: sbatch was not found on the PATH (\(w.dir.path))"), "\(missing.stderr)")

        let failing = try w.labbook(args + ["--time", "soon"], "failing")
        #expect(failing.status == 2)
        #expect(failing.stderr.contains("error: sbatch failed (exit 255): sbatch: error: Invalid --time specification"), "\(failing.stderr)")

        let partition = try w.labbook(args + ["--partition", "debgu"], "partition")
        #expect(partition.status == 2)
        #expect(partition.stderr.contains("error: the Slurm partition 'debgu' does not exist (this cluster has: debug); did you mean 'debug'?"), "\(partition.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("out") + "/index.html"), "nothing is rendered")

        let dry = try w.labbook(args + ["--dry-run", "--partition", "debug", "--time", "5"], "dry")
        #expect(dry.status == 0)
        #expect(dry.stdout.hasPrefix("#!/bin/bash\n"))
        #expect(dry.stdout.contains("#SBATCH --partition=debug\n#SBATCH --time=5\n"))
        #expect(dry.stdout.contains("# 4 runs in 1 array tasks; nothing was submitted (--dry-run)"))
    }

    /// The submitting build sees a private file system at the cache's path (a mount namespace with a tmpfs), as
    /// a login node whose cache directory the compute nodes do not mount.
    @Test func aCacheTheNodesDoNotShareIsNamedWithItsPath() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let privateDir = w.dir.appendingPathComponent("private")
        try FileManager.default.createDirectory(at: privateDir, withIntermediateDirectories: true)
        let cache = privateDir.appendingPathComponent("cache").path
        let bin = try #require(LabbookProcess.binary).path
        let r = try LabbookProcess.run(["-m", "sh", "-c", "mount -t tmpfs labbook-test \"$1\" || exit 99; shift; exec \"$@\"", "sh", privateDir.path,
                                        bin, "build", w.book.path, "--executor", "slurm", "--output", w.path("out"), "--cache", cache],
                                       logs: w.logs("unshared"), executable: URL(fileURLWithPath: "/usr/bin/unshare"),
                                       environment: LocalSlurm.environment)
        try #require(r.status != 99, "no private mount here (needs CAP_SYS_ADMIN): \(r.stderr)")
        #expect(r.status == 1)
        #expect(r.stderr.contains("neither this run's cache entry nor the task's log appeared in \(cache): the cache directory is not shared with the nodes"), "\(r.stderr)")
        #expect(r.stdout.contains("chapters/01-xor.md:13 xor: failed"))
    }

    @Test func aTaskRunningAnotherBinaryRefusesAndItsBlockSaysWhy() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let bin = w.dir.appendingPathComponent("bin/labbook")
        try FileManager.default.createDirectory(at: bin.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try #require(LabbookProcess.binary), to: bin)
        let p = try LabbookProcess.start(["build", w.book.path, "--executor", "slurm", "--sbatch-arg=--hold", "--output", w.path("out"),
                                          "--cache", w.path("cache")], logs: w.logs("mismatch"), executable: bin, environment: LocalSlurm.environment)
        var job: String?
        let deadline = Date().addingTimeInterval(60)
        while job == nil, Date() < deadline, p.isRunning {
            let err = TestFiles.read(w.logs("mismatch"), "stderr")
            if let r = err.range(of: #"submitted Slurm job \d+"#, options: .regularExpression) { job = String(err[r].split(separator: " ")[3]) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        // Another build of labbook appears at the same path (renamed into place: the running planner keeps its own).
        var bytes = try Data(contentsOf: bin)
        bytes.append(0)
        let next = bin.deletingLastPathComponent().appendingPathComponent("labbook.new")
        try bytes.write(to: next)
        chmod(next.path, 0o755)
        #expect(rename(next.path, bin.path) == 0)
        #expect(try LocalSlurm.client("scontrol", ["release", try #require(job)]).status == 0)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        let err = TestFiles.read(w.logs("mismatch"), "stderr")
        #expect(err.contains("error: binary mismatch: this task runs \(bin.path)"), "\(err)")
        #expect(TestFiles.read(URL(fileURLWithPath: w.path("out")), "01-xor.html").contains("binary mismatch"))
    }

    @Test func aCorruptEntryIsRejectedByItsChecksumAndRerun() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let local = try w.localSite()
        let xor = try #require(try w.plan(cache: w.path("cache"))["xor"])
        let one = try w.labbook(["run-one", w.book.path, xor, "--cache", w.path("cache")], "one")
        #expect(one.status == 0 && one.stdout.contains("\(xor) chapters/01-xor.md:13 xor: trained"), "\(one.stdout)\(one.stderr)")
        let cache = RunCache(directory: URL(fileURLWithPath: w.path("cache")))
        var bytes = try Data(contentsOf: cache.url(for: xor))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: cache.url(for: xor))
        let plan = try w.labbook(["plan", w.book.path, "--cache", w.path("cache")], "plan-corrupt")
        #expect(plan.stdout.contains("\(xor)\tchapters/01-xor.md:13\txor\t-\t"))
        #expect(plan.stdout.contains("is damaged (checksum mismatch)"))
        let r = try w.labbook(["build", w.book.path, "--executor", "slurm", "--output", w.path("out"), "--cache", w.path("cache")], "rerun")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains(": 4 runs in"))
        #expect(cache.holds(xor))
        #expect(w.site(w.path("out")) == local)
    }

    @Test func ctrlCCancelsTheArray() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let (p, job, _) = try w.startHeld(["--output", w.path("out"), "--cache", w.path("cache")], "interrupt")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(TestFiles.read(w.logs("interrupt"), "stderr").contains("cancelled Slurm job \(job) (scancel \(job))"))
        let left = try LocalSlurm.client("squeue", ["-h", "-j", job])
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "still queued: \(left.stdout)")
    }

    /// A diverged run is an author's result, not a lost task: it has no entry by design, and the build computes
    /// it itself, so the error box is the same divergence message as in a local build.
    @Test func aDivergedRunReadsAsInALocalBuild() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        try """
        # Divergence

        ```experiment
        id: blows-up
        data: {source: gaussian, samples: 64, features: 4, labels: sign-of-sum}
        model: {hidden: [16, 16], activation: relu, init: {name: normal, std: 3}, output: identity}
        loss: mse
        optimizer: {name: sgd, lr: 5}
        train: {epochs: 50, batch: 8, record-every: 1}
        show: [summary]
        ```

        """.write(to: w.book.appendingPathComponent("chapters/03-diverges.md"), atomically: true, encoding: .utf8)
        let local = try w.labbook(["build", w.book.path, "--output", w.path("local"), "--cache", w.path("local-cache")], "local")
        #expect(local.status == 1)
        let r = try w.labbook(["build", w.book.path, "--executor", "slurm", "--output", w.path("out"), "--cache", w.path("cache")], "diverged")
        #expect(r.status == 1)
        #expect(r.stdout.contains("chapters/03-diverges.md:3 blows-up: failed: training diverged"), "\(r.stdout)")
        #expect(w.site(w.path("out")) == w.site(w.path("local")))
    }

    /// The common case on a real cluster (a task killed by its time limit, by memory, by scancel): the block's
    /// error box names the end state and quotes the task's log.
    @Test(.timeLimit(.minutes(2))) func aRunningTaskKilledByScancelIsReportedWithItsLog() throws {
        let w = try SlurmWork()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        // An XOR run long enough to be caught running (100,000 epochs, the engine's limit: seconds; it is cancelled at once).
        try edit(w.book.appendingPathComponent("chapters/01-xor.md"), replacing: "train: {epochs: 300, batch: 4, record-every: 50}",
                 with: "train: {epochs: 100000, batch: 4, record-every: 50000}")
        let xor = try #require(try w.plan(cache: w.path("cache"))["xor"])
        let p = try LabbookProcess.start(["build", w.book.path, "--executor", "slurm", "--runs-per-task", "1", "--output", w.path("out"),
                                          "--cache", w.path("cache")], logs: w.logs("kill"), environment: LocalSlurm.environment)
        var killed: String?
        let deadline = Date().addingTimeInterval(60)
        while killed == nil, Date() < deadline, p.isRunning {
            let err = TestFiles.read(w.logs("kill"), "stderr")
            if let r = err.range(of: #"submitted Slurm job (\d+): .*\(script: (.*)/job\.sh\)"#, options: .regularExpression) {
                let line = String(err[r])
                let job = line.split(separator: " ")[3].trimmingCharacters(in: CharacterSet(charactersIn: ":"))
                let runDir = URL(fileURLWithPath: String(line[line.range(of: "(script: ")!.upperBound...].dropLast(")".count + "/job.sh".count)))
                let tasks = TestFiles.read(runDir, "tasks").split(separator: "\n").map(String.init)
                if let t = tasks.firstIndex(of: xor), TestFiles.read(runDir, "task-\(t).log").contains("labbook task \(t) on") {
                    #expect(try LocalSlurm.client("scancel", ["\(job)_\(t)"]).status == 0)
                    killed = "Slurm job \(job), array task \(t) (CANCELLED"
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        p.waitUntilExit()
        let out = TestFiles.read(w.logs("kill"), "stdout")
        #expect(p.terminationStatus == 1)
        #expect(out.contains("chapters/01-xor.md:13 xor: failed: \(try #require(killed))"), "\(out)")
        #expect(out.contains("ended without writing this run's cache entry; the end of its log"))
        #expect(out.contains("labbook task"), "the log's tail is quoted")
        #expect(out.contains("chapters/02-depth.md:5 deep-sigmoid: cached"))
    }
}
