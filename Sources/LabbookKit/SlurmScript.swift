// The Slurm job-array script a `--executor slurm` build submits, and how its runs are packed into array tasks.
import Foundation

public struct SlurmOptions: Sendable {
    public var partition: String?
    /// Per array task, in Slurm's spelling (`30`, `1:00:00`, `2-00:00:00`).
    public var time: String?
    public var cpusPerTask: Int = 1
    /// At most this many array tasks at once (`--array=0-N%M`).
    public var maxParallel: Int?
    /// Passed to sbatch as they are, before the script.
    public var sbatchArguments: [String] = []
    /// 0: pack runs estimated under `smallGFLOP` into shared tasks; N ≥ 1: at most N runs per task.
    public var runsPerTask: Int = 0
    /// Print the script instead of submitting it.
    public var dryRun = false
    /// How long to wait for an entry to appear after its task ended (NFS attribute caches), seconds.
    public var settleSeconds: Double = 10
    /// How often squeue is asked, seconds.
    public var pollSeconds: Double = 0.5
    /// Where sbatch, squeue, scontrol and scancel are looked for (the PATH of the build).
    public var path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"

    public init() {}

    /// Runs under this much work share a task when packing is automatic: at ~100 GFLOP/s per core they
    /// train in well under a second, less than the scheduler's own cost of starting a task.
    static let smallGFLOP = 20.0
}

enum SlurmScript {
    /// Array tasks: each a list of plan indices. Large runs get a task each, longest first (so that they start
    /// first); small ones are packed up to `smallGFLOP` of work per task (or N per task when asked).
    static func pack(_ plan: [PlannedRun], runsPerTask: Int) -> [[Int]] {
        let order = plan.indices.sorted { (plan[$0].gflop, $1) > (plan[$1].gflop, $0) }
        if runsPerTask >= 1 {
            return stride(from: 0, to: order.count, by: runsPerTask).map { Array(order[$0..<min($0 + runsPerTask, order.count)]) }
        }
        var tasks: [[Int]] = []
        var bin: [Int] = [], binWork = 0.0
        for i in order {
            if plan[i].gflop >= SlurmOptions.smallGFLOP { tasks.append([i]); continue }
            bin.append(i)
            binWork += plan[i].gflop
            if binWork >= SlurmOptions.smallGFLOP || bin.count >= 32 { tasks.append(bin); bin = []; binWork = 0 }
        }
        if !bin.isEmpty { tasks.append(bin) }
        return tasks
    }

    /// Single-quoted for bash.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    struct Input {
        var jobName: String
        var taskCount: Int
        /// Holds the task list, the probe and the logs; inside the cache directory, so the nodes see it.
        var runDirectory: URL
        var book: URL
        var cache: URL
        var binary: URL
        var binaryDigest: String
        var kernel: String
        var coreType: String
        var labbookData: String?
        var options: SlurmOptions
    }

    static func script(_ i: Input) -> String {
        let o = i.options
        var s = "#!/bin/bash\n"
        s += "# Written by `labbook build --executor slurm`: one array task per line of \(i.runDirectory.appendingPathComponent("tasks").path),\n"
        s += "# each trains its runs into the shared cache with `labbook run-one`; the build renders when all have ended.\n"
        s += "#SBATCH --job-name=\(i.jobName)\n"
        let limit = o.maxParallel.map { "%\($0)" } ?? ""
        s += "#SBATCH --array=0-\(max(i.taskCount - 1, 0))\(limit)\n"
        s += "#SBATCH --output=\(i.runDirectory.appendingPathComponent("task-%a.log").path)\n"
        s += "#SBATCH --cpus-per-task=\(o.cpusPerTask)\n"
        if let p = o.partition { s += "#SBATCH --partition=\(p)\n" }
        if let t = o.time { s += "#SBATCH --time=\(t)\n" }
        s += "set -u\n"
        s += "# The planner's BLAS kernel, so that every run rounds exactly as a local build would.\n"
        s += "export OPENBLAS_CORETYPE=\(quote(i.coreType))\n"
        if let d = i.labbookData { s += "export LABBOOK_DATA=\(quote(d))\n" }
        s += "run=\(quote(i.runDirectory.path))\n"
        s += """
        if [ ! -f "$run/probe" ]; then
          echo "labbook: the cache directory \(i.cache.path) is not the planner's on $(hostname): $run/probe is missing; put the cache on a file system that every node shares (--cache DIR)" >&2
          exit 3
        fi
        keys=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$run/tasks")
        echo "labbook task $SLURM_ARRAY_TASK_ID on $(hostname): $keys"
        # shellcheck disable=SC2086
        exec \(quote(i.binary.path)) run-one \(quote(i.book.path)) --cache \(quote(i.cache.path)) \\
          --expect-binary \(i.binaryDigest) --expect-kernel \(quote(i.kernel)) $keys

        """
        return s
    }
}
