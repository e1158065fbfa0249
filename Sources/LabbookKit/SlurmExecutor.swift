// `labbook build --executor slurm`: the plan's runs as one Slurm job array writing into the shared cache.
//
// sbatch submits the array; squeue says when it has ended (and scontrol how each task ended); the entries in
// the cache are the results. A task that ended without its entry becomes its block's error box, with the
// tail of its log; a second build plans again and so resubmits only what is still missing. Ctrl-C cancels.
import Dispatch
import Engine
import Execute
import Foundation
import LabbookCore
import Synchronization

/// A problem with Slurm itself: the build stops before anything is rendered (exit 2).
public struct SlurmError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

public struct SlurmExecutor: RunExecutor {
    public var options: SlurmOptions
    /// Lines for the person at the terminal: submission, progress, the script in a dry run.
    public var onMessage: @Sendable (String) -> Void

    public init(options: SlurmOptions, onMessage: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.onMessage = onMessage
    }

    /// What the build signals with SIGINT/SIGTERM: scancel the array, then exit 130.
    static let running = Mutex<String?>(nil)

    public func prepare(_ plan: [PlannedRun], book: URL, cache: URL, context: RunContext) throws -> [String: RunProblem] {
        if plan.isEmpty {
            if options.dryRun { onMessage("# nothing to submit: the cache holds every run this book needs") }
            return [:]
        }

        let tasks = SlurmScript.pack(plan, runsPerTask: options.runsPerTask)
        let stamp = "\(Int(Date().timeIntervalSince1970))-\(ProcessInfo.processInfo.processIdentifier)-\(UInt16.random(in: 0 ... .max))"
        let runDir = cache.appendingPathComponent("slurm").appendingPathComponent(stamp)
        let binary = TaskIdentity.executable
        let env = context.environment
        let kernel = Workloads.blasKernelName
        let input = SlurmScript.Input(
            jobName: "labbook-\(book.lastPathComponent)", taskCount: tasks.count, runDirectory: runDir, book: book, cache: cache,
            binary: binary, binaryDigest: try TaskIdentity.digest(of: binary), kernel: kernel,
            coreType: env["OPENBLAS_CORETYPE"] ?? kernel, labbookData: env["LABBOOK_DATA"], options: options)
        let script = SlurmScript.script(input)
        if options.dryRun {
            onMessage(script)
            onMessage("# \(plan.count) runs in \(tasks.count) array tasks; nothing was submitted (--dry-run)")
            return [:]
        }
        let tools = try SlurmTools(path: options.path)
        if let p = options.partition { try tools.checkPartition(p) }
        try FileManager.default.createDirectory(at: runDir, withIntermediateDirectories: true)
        try AtomicFile.write(tasks.map { $0.map { plan[$0].key }.joined(separator: " ") }.joined(separator: "\n") + "\n",
                             to: runDir.appendingPathComponent("tasks"))
        try AtomicFile.write(script, to: runDir.appendingPathComponent("job.sh"))
        try AtomicFile.write("written by the planner on \(ProcessInfo.processInfo.hostName)\n", to: runDir.appendingPathComponent("probe"))

        let job = try tools.submit(runDir.appendingPathComponent("job.sh"), arguments: options.sbatchArguments)
        onMessage("submitted Slurm job \(job): \(plan.count) runs in \(tasks.count) array tasks (script: \(runDir.appendingPathComponent("job.sh").path))")
        let handlers = Self.cancelOnSignal(job: job, tools: tools, message: onMessage)
        defer {
            Self.running.withLock { $0 = nil }
            handlers.forEach { $0.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }

        // Wait for the array, saying how far it is whenever that changes.
        let runCache = RunCache(directory: cache)
        var last = ""
        var unanswered = 0
        while true {
            // A controller that does not answer for a while (a restart, a busy one) is waited for, not taken
            // as the end of the array; after ten minutes of silence the build goes on with what is there.
            guard let states = tools.queueStates(job) else {
                unanswered += 1
                if Double(unanswered) * options.pollSeconds > 600 { break }
                Thread.sleep(forTimeInterval: options.pollSeconds)
                continue
            }
            unanswered = 0
            let done = plan.filter { FileManager.default.fileExists(atPath: runCache.url(for: $0.key).path) }.count
            let running = states.values.filter { $0 == "RUNNING" || $0 == "COMPLETING" }.count
            let pending = states.values.filter { $0 == "PENDING" || $0 == "CONFIGURING" }.count
            let line = "Slurm job \(job): \(done) of \(plan.count) runs in the cache, \(running) tasks running, \(pending) pending"
            if line != last { onMessage(line); last = line }
            if running == 0 && pending == 0 && !states.values.contains(where: SlurmTools.unfinished.contains) { break }
            Thread.sleep(forTimeInterval: options.pollSeconds)
        }
        return diagnose(plan: plan, tasks: tasks, job: job, runDir: runDir, cache: cache, tools: tools, bookPath: book.path)
    }

    /// `--dry-run`: plans the book and hands the script to `onMessage`; nothing is submitted.
    public func dryRun(book: URL, cache: URL, environment: [String: String]) throws {
        var me = self
        me.options.dryRun = true
        let plan = try Planner.plan(book: book, cache: cache, environment: environment)
        _ = try me.prepare(plan, book: book, cache: cache, context: RunContext(bookDirectory: book.path, environment: environment))
    }

    /// Per missing run, why: its task's end state and log tail, or that the cache is not shared.
    func diagnose(plan: [PlannedRun], tasks: [[Int]], job: String, runDir: URL, cache: URL, tools: SlurmTools,
                  bookPath: String) -> [String: RunProblem] {
        let runCache = RunCache(directory: cache)
        let fm = FileManager.default
        func missing(_ task: [Int]) -> [Int] { task.filter { !runCache.holds(plan[$0].key) } }
        // Entries written on a node may show up here a little later (NFS attribute caching).
        let settle = Date().addingTimeInterval(options.settleSeconds)
        while tasks.contains(where: { !missing($0).isEmpty }), Date() < settle {
            let allLogs = tasks.indices.allSatisfy { fm.fileExists(atPath: runDir.appendingPathComponent("task-\($0).log").path) }
            if allLogs { break }   // every task's log is visible, so its entries would be too
            Thread.sleep(forTimeInterval: 0.25)
        }
        let ends = tools.taskEnds(job)
        var problems: [String: RunProblem] = [:]
        for (t, task) in tasks.enumerated() {
            let lost = missing(task)
            if lost.isEmpty { continue }
            let log = runDir.appendingPathComponent("task-\(t).log")
            let end = ends[t]
            let which = "Slurm job \(job), array task \(t)\(end.map { " (\($0.state), exit \($0.exitCode)\($0.node.map { ", node \($0)" } ?? ""))" } ?? "")"
            guard let text = try? String(contentsOf: log, encoding: .utf8) else {
                // slurmstepd creates the log when the task starts on its node: no log and an end state that
                // says it never started is a cancelled or refused task; otherwise the node wrote it elsewhere.
                // Slurm drops a pending array task that is cancelled from its records: unknown while its siblings
                // are known means the same.
                let neverStarted = end.map { $0.state != "COMPLETED" && $0.state != "FAILED" } ?? !ends.isEmpty
                if neverStarted {
                    let p = RunProblem("\(which) never started (cancelled or removed from the queue), so this run was not computed",
                                       hint: "the next build resubmits only the missing runs")
                    for i in lost { problems[plan[i].key] = p }
                    continue
                }
                let p = RunProblem("\(which) ended, but neither this run's cache entry nor the task's log appeared in \(cache.path): the cache directory is not shared with the nodes",
                                   hint: "put the cache on a file system every node mounts at the same path (--cache DIR; docs/cluster.md)")
                for i in lost { problems[plan[i].key] = p }
                continue
            }
            // A run that finished with a result the cache does not keep (a diverged run): the build computes it.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let tail = lines.suffix(6).joined(separator: " / ").replacingOccurrences(of: bookPath + "/", with: "")
            for i in lost {
                let key = plan[i].key
                if end?.state == "COMPLETED", lines.contains(where: { $0.hasPrefix("\(key) ") && $0.contains(": not cached: ") }) { continue }
                problems[key] = RunProblem(
                    "\(which) ended without writing this run's cache entry; the end of its log (slurm/\(runDir.lastPathComponent)/task-\(t).log in the cache): \(tail.isEmpty ? "(empty)" : tail)",
                    hint: "the next build resubmits only the missing runs")
            }
        }
        return problems
    }

    /// Ctrl-C (and SIGTERM) while the array runs: scancel it, say so, exit 130.
    static func cancelOnSignal(job: String, tools: SlurmTools, message: @escaping @Sendable (String) -> Void) -> [any DispatchSourceSignal] {
        running.withLock { $0 = job }
        return [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                guard let job = running.withLock({ $0 }) else { exit(130) }
                _ = tools.cancel(job)
                message("cancelled Slurm job \(job) (scancel \(job)); its finished runs stay in the cache")
                exit(130)
            }
            source.resume()
            return source
        }
    }
}
