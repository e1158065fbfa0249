// `labbook run-one`: trains exactly the runs named by their cache keys into the cache (what a Slurm task does).
//
// Idempotent: a key whose valid entry is there is not recomputed. Safe beside other processes on other hosts
// writing the same directory: entries go through a temporary file and a rename (RunCache.store).
import Blocks
import Engine
import Execute
import Foundation
import LabbookCore

public struct RunOneResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Trained now and stored, in this many seconds.
        case trained(Double)
        /// A valid entry was there already.
        case present
        /// The run finished with a result that is not cached by design (a diverged run); the build computes it itself.
        case notCached(String)
        case failed(String)
    }
    public var key: String
    /// `chapters/02-x.md:40 activation-sweep[relu]`, or the key alone when the book has no such run.
    public var name: String
    public var outcome: Outcome

    public var line: String {
        switch outcome {
        case .trained(let s): return "\(key) \(name): trained (\(NumberFormat.fixed(s, 2)) s)"
        case .present: return "\(key) \(name): already in the cache"
        case .notCached(let why): return "\(key) \(name): not cached: \(why)"
        case .failed(let why): return "\(key) \(name): error: \(why)"
        }
    }
}

/// What a task checks before it trains anything: that it is the planner's binary and runs the planner's kernel.
public enum TaskIdentity {
    /// The running executable (`/proc/self/exe`, so a symlink or a relative argv[0] cannot fool it).
    public static var executable: URL {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: link)
    }

    /// SHA-256 of a file, hex; read in 1 MiB pieces.
    public static func digest(of url: URL) throws -> String { try SHA256.hex(ofFileAt: url.path) }

    /// nil when this process may run the planner's tasks; otherwise why not (the task exits with 3).
    public static func mismatch(expectBinary: String?, expectKernel: String?) -> String? {
        if let expectBinary {
            let me = executable
            let mine = (try? digest(of: me)) ?? "unreadable"
            if mine != expectBinary.lowercased() {
                return "binary mismatch: this task runs \(me.path) (sha256 \(mine.prefix(12))…), but the build that planned it ran sha256 \(expectBinary.prefix(12))…; every node must run the planner's binary (a shared path, built once: docs/cluster.md)"
            }
        }
        if let expectKernel, expectKernel.lowercased() != Workloads.blasKernelName.lowercased() {
            return "BLAS kernel mismatch: OpenBLAS picked \(Workloads.blasKernelName) on this node (OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset")), but the planner ran \(expectKernel); its results would differ in the last bits, so nothing was trained (does this node's CPU lack that kernel's instructions?)"
        }
        return nil
    }
}

public enum RunOne {
    /// Trains the runs named by `keys` (each at most once) into `cache`. Unknown keys fail with a message; the
    /// others still run. Results in the order of `keys`. `helperThreads`: whether the engine may use a helper
    /// thread (nil: as it is set).
    public static func run(book directory: URL, keys: [String], cache: URL,
                           environment: [String: String] = ProcessInfo.processInfo.environment, helperThreads: Bool? = nil,
                           onResult: ((RunOneResult) -> Void)? = nil) throws -> [RunOneResult] {
        if let helperThreads { EngineThreads.helpersAllowed = helperThreads }
        let book = try BookLoader.load(directory)
        let context = RunContext(bookDirectory: book.directory.path, environment: environment, timeLimit: nil)
        let runCache = RunCache(directory: cache)
        var byKey: [String: (ExperimentSpec, Variant)] = [:]
        for ch in book.chapters {
            for b in ch.blocks {
                guard let spec = b.spec else { continue }
                for v in spec.variants {
                    if let k = try? Runner.key(v, context: context), !k.isEmpty, byKey[k] == nil { byKey[k] = (spec, v) }
                }
            }
        }
        var results: [RunOneResult] = []
        var done = Set<String>()
        for key in keys where done.insert(key).inserted {
            let result: RunOneResult
            if let (spec, v) = byKey[key] {
                let name = "\(spec.location.file):\(spec.location.line) \(v.label.isEmpty ? spec.id : "\(spec.id)[\(v.label)]")"
                if runCache.holds(key) {
                    result = RunOneResult(key: key, name: name, outcome: .present)
                } else {
                    let start = ContinuousClock.now
                    let r = Runner.runVariant(v, of: spec, context: context, cache: runCache)
                    let s = ContinuousClock.now - start
                    let seconds = Double(s.components.seconds) + Double(s.components.attoseconds) / 1e18
                    if runCache.holds(key) {
                        result = RunOneResult(key: key, name: name, outcome: .trained(seconds))
                    } else if let f = r.failure, r.outcome.training?.divergence != nil {
                        result = RunOneResult(key: key, name: name, outcome: .notCached(f.message))
                    } else {
                        let why = r.failure?.message ?? r.warnings.first?.message ?? "the entry could not be written"
                        result = RunOneResult(key: key, name: name, outcome: .failed(why))
                    }
                }
            } else {
                result = RunOneResult(key: key, name: "-", outcome: .failed(
                    "no run of this book has the key \(key) (was the book changed after the plan, or is this another book?)"))
            }
            onResult?(result)
            results.append(result)
        }
        return results
    }
}
