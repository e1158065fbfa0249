// `labbook build --executor slurm …`: the options that hand a build's runs to Slurm instead of this machine.
import ArgumentParser
import Foundation
import LabbookKit

struct ExecutorOptions: ParsableArguments {
    @Option(name: .long, help: "Where the runs are computed: local (default) or slurm (one job array; docs/cluster.md).")
    var executor: String = "local"

    @Option(name: .long, help: "Slurm partition for the array (default: the cluster's default).")
    var partition: String?

    @Option(name: .long, help: "Slurm time limit per array task, in sbatch's spelling (30, 1:00:00, 1-00:00:00).")
    var time: String?

    @Option(name: .long, help: "CPUs per array task (default 1).")
    var cpusPerTask: Int = 1

    @Option(name: .long, help: "At most this many array tasks at once.")
    var maxParallel: Int?

    @Option(name: .long, parsing: .unconditionalSingleValue, help: "An extra sbatch argument (repeatable), e.g. --sbatch-arg=--account=lab.")
    var sbatchArg: [String] = []

    @Option(name: .long, help: "Runs per array task; 0 (default) packs runs estimated under 20 GFLOP together, others get a task each.")
    var runsPerTask: Int = 0

    @Flag(name: .long, help: "Print the job script instead of submitting it.")
    var dryRun = false

    var usesSlurm: Bool { executor == "slurm" }

    func validate(noCache: Bool) throws {
        guard ["local", "slurm"].contains(executor) else {
            throw ValidationError("--executor must be local or slurm, got '\(executor)'")
        }
        if !usesSlurm {
            let given = [partition.map { _ in "--partition" }, time.map { _ in "--time" }, maxParallel.map { _ in "--max-parallel" },
                         sbatchArg.isEmpty ? nil : "--sbatch-arg", dryRun ? "--dry-run" : nil, cpusPerTask != 1 ? "--cpus-per-task" : nil,
                         runsPerTask != 0 ? "--runs-per-task" : nil].compactMap { $0 }
            if let first = given.first { throw ValidationError("\(first) needs --executor slurm") }
            return
        }
        if noCache { throw ValidationError("--executor slurm needs the run cache (the tasks write into it); drop --no-cache") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        if let m = maxParallel, m < 1 { throw ValidationError("--max-parallel must be at least 1, got \(m)") }
        if runsPerTask < 0 { throw ValidationError("--runs-per-task must be 0 (automatic) or more, got \(runsPerTask)") }
    }

    func slurm(environment: [String: String]) -> SlurmExecutor {
        var o = SlurmOptions()
        o.partition = partition
        o.time = time
        o.cpusPerTask = cpusPerTask
        o.maxParallel = maxParallel
        o.sbatchArguments = sbatchArg
        o.runsPerTask = runsPerTask
        o.dryRun = dryRun
        if let s = environment["LABBOOK_SLURM_SETTLE"].flatMap(Double.init) { o.settleSeconds = s }
        if let p = environment["PATH"] { o.path = p }
        return SlurmExecutor(options: o, onMessage: { printError($0) })
    }
}
