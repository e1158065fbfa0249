// The Slurm commands the executor uses (sbatch, squeue, scontrol, sinfo, scancel), run as child processes.
import Foundation
import LabbookCore

struct SlurmTools: Sendable {
    let sbatch: String
    let path: String

    /// States in which an array task has not ended yet.
    static let unfinished: Set<String> = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"]

    init(path: String) throws {
        self.path = path
        guard let found = Self.find("sbatch", in: path) else {
            throw SlurmError("sbatch was not found on the PATH (\(path)): run the build on a Slurm login node, or install slurm-client")
        }
        sbatch = found
    }

    static func find(_ name: String, in path: String) -> String? {
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `name args` (from the PATH) and collects its output; status 127 when it cannot be started.
    func run(_ name: String, _ args: [String]) -> Output {
        guard let exe = name == "sbatch" ? sbatch : Self.find(name, in: path) else {
            return Output(status: 127, stdout: "", stderr: "\(name) was not found on the PATH")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        // Standard error goes to a temporary file, so that neither stream can block on a full pipe.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max)).err")
        guard FileManager.default.createFile(atPath: errURL.path, contents: nil), let errFile = try? FileHandle(forWritingTo: errURL) else {
            return Output(status: 127, stdout: "", stderr: "\(name): no temporary file for its messages")
        }
        defer { try? errFile.close(); try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = errFile
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return Output(status: 127, stdout: "", stderr: "\(name) could not be started: \(error)") }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let e = (try? Data(contentsOf: errURL)) ?? Data()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A partition the cluster does not have is an error before anything is submitted, with the names it has.
    func checkPartition(_ name: String) throws {
        let r = run("sinfo", ["-h", "-o", "%R"])
        guard r.status == 0 else { return }   // sbatch will say what is wrong
        let known = Set(r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }).filter { !$0.isEmpty }.sorted()
        if !known.contains(name) {
            let hint = closestMatch(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw SlurmError("the Slurm partition '\(name)' does not exist (this cluster has: \(known.joined(separator: ", ")))\(hint)")
        }
    }

    /// Submits the script; returns the job id. A failing sbatch stops the build with its own message.
    func submit(_ script: URL, arguments: [String]) throws -> String {
        let r = run("sbatch", ["--parsable"] + arguments + [script.path])
        let id = r.stdout.split(separator: "\n").last.map { String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces) } ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let why = (r.stderr + r.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmError("sbatch failed (exit \(r.status)): \(why.isEmpty ? "no message" : why)")
        }
        return id
    }

    /// Array task id → state, for the tasks squeue still knows (finished ones too, for MinJobAge); empty
    /// once the controller has forgotten the job; nil when squeue could not answer (ask again later).
    func queueStates(_ job: String) -> [Int: String]? {
        let r = run("squeue", ["-h", "-r", "-t", "all", "-j", job, "-o", "%K|%T"])
        guard r.status == 0 else { return r.stderr.contains("Invalid job id") ? [:] : nil }
        var out: [Int: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let t = Int(parts[0]) { out[t] = parts[1] }
        }
        return out
    }

    struct TaskEnd {
        var state: String
        var exitCode: String
        var node: String?
    }

    /// How each array task ended, from `scontrol show job` (known while the controller keeps the job).
    func taskEnds(_ job: String) -> [Int: TaskEnd] {
        let r = run("scontrol", ["-o", "show", "job", job])
        guard r.status == 0 else { return [:] }
        var out: [Int: TaskEnd] = [:]
        for line in r.stdout.split(separator: "\n") {
            var f: [String: String] = [:]
            for field in line.split(separator: " ") {
                if let eq = field.firstIndex(of: "=") { f[String(field[..<eq])] = String(field[field.index(after: eq)...]) }
            }
            guard let t = f["ArrayTaskId"].flatMap({ Int($0) }), let state = f["JobState"] else { continue }
            let node = f["NodeList"].flatMap { $0 == "(null)" ? nil : $0 }
            out[t] = TaskEnd(state: state, exitCode: f["ExitCode"] ?? "?", node: node)
        }
        return out
    }

    func cancel(_ job: String) -> Bool { run("scancel", [job]).status == 0 }
}
