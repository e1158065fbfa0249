// `labbook bench`: times a named training workload on real Fashion-MNIST and reports samples/s or µs/step.
import ArgumentParser
import Foundation
import LabbookKit

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine's training speed on a named workload (see docs/performance.md).")

    @Option(name: .long, help: "The workload: \(Benchmark.workloads.joined(separator: ", ")).")
    var workload: String

    @Flag(name: .long, help: "Print one JSON object instead of a sentence.")
    var json = false

    @Option(name: .long, help: "Directory with the Fashion-MNIST IDX files (default: $LABBOOK_DATA, then Debian's).")
    var data: String?

    @Option(name: .long, help: "Steps to time for the workloads timed by steps (online-mlp, default 20000; fashion-lenet, default 200).")
    var steps: Int?

    @Option(name: .long, help: "The hidden activation of fashion-mlp (default relu), to time one run of the book's activation sweep.")
    var activation: String?

    @Option(name: .long, help: "Threads the engine may use: 2 (default: the caller and the helper) or 1 (a control on a loaded machine).")
    var threads: Int = 2

    func validate() throws {
        guard Benchmark.workloads.contains(workload) else {
            throw ValidationError("unknown workload '\(workload)'; expected one of: \(Benchmark.workloads.joined(separator: ", "))")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        guard threads == 1 || threads == 2 else { throw ValidationError("--threads must be 1 or 2") }
        if let activation {
            guard Benchmark.isActivation(activation) else {
                throw ValidationError("unknown activation '\(activation)'; expected one of: \(Benchmark.activations.joined(separator: ", "))")
            }
            guard workload.hasPrefix("fashion-mlp") else { throw ValidationError("--activation applies to the fashion-mlp workloads only (fashion-mlp, fashion-mlp-bn-dropout, fashion-mlp-adamw)") }
        }
    }

    func run() throws {
        let m: Benchmark.Measurement
        do {
            m = try Benchmark.measure(workload: workload, activation: activation, dataDirectory: data.map { absoluteURL($0).path },
                                      steps: steps, threads: threads)
        } catch let e as Benchmark.DataUnavailable {
            printError("error: \(e)")
            throw ExitCode(1)
        }
        if json {
            var fields = ["\"workload\": \"\(m.workload)\"", "\"activation\": \"\(m.activation)\"", "\"seconds\": \(rounded(m.seconds, 4))",
                          "\"samples\": \(m.samples)", "\"steps\": \(m.steps)"]
            fields.append(m.perStep ? "\"microseconds_per_step\": \(rounded(m.microsecondsPerStep, 2))"
                                    : "\"samples_per_second\": \(rounded(m.samplesPerSecond, 0))")
            fields.append("\"max_rss_bytes\": \(peakResidentBytes())")
            fields.append("\"blas_kernel\": \"\(Benchmark.blasKernel)\"")
            fields.append("\"threads\": \(threads)")
            printLine("{" + fields.joined(separator: ", ") + "}")
        } else if m.perStep {
            printLine("\(m.workload): \(rounded(m.microsecondsPerStep, 2)) µs/step (\(m.steps) steps in \(rounded(m.seconds, 3)) s)")
        } else {
            let label = m.activation == "relu" ? m.workload : "\(m.workload) (\(m.activation))"
            printLine("\(label): \(Int(m.samplesPerSecond.rounded())) samples/s (\(m.samples) samples in \(rounded(m.seconds, 3)) s)")
        }
    }

    func rounded(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// The process's peak resident set so far (getrusage; Linux reports ru_maxrss in KiB): data loading included,
    /// as /usr/bin/time's "Maximum resident set size" would count it.
    func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }
}
