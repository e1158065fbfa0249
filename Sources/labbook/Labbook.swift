// The `labbook` command: a thin shell over LabbookKit. Exit codes: 0 ok, 1 failed blocks or invalid input, 2 usage.
import ArgumentParser
import Foundation
import LabbookKit

@main
struct Labbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labbook",
        abstract: "Build a literate book of neural-network experiments into a static site.",
        version: LabbookVersion.description,
        subcommands: [Build.self, Check.self, Watch.self, Clean.self, Init.self, Bench.self, Plan.self, RunOneCommand.self],
        defaultSubcommand: nil)

    /// Like ArgumentParser's main, but usage errors exit with 2 as the contract says (not 64).
    static func main() async {
        #if LABBOOK_ENGINE_HASWELL
        // This build's engine uses AVX2 and FMA instructions (Package.swift); say so instead of dying on SIGILL.
        // What `-target-cpu haswell` lets the compiler use (/proc/cpuinfo's names; `abm` is LZCNT).
        if let missing = missingCPUFeatures(["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm"]) {
            printError("error: this labbook was built for x86-64 CPUs with AVX2, FMA and BMI2 (Haswell or later), and this CPU lacks \(missing.joined(separator: ", ")).\n"
                + "  hint: rebuild it portable: LABBOOK_BASELINE_CPU=1 swift build -c release --product labbook")
            Foundation.exit(1)
        }
        #endif
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                printLine(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            if code == .validationFailure {
                Foundation.exit(2)
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// Options shared by the commands that take a book.
struct BookArgument: ParsableArguments {
    @Argument(help: "The book's directory (holds book.yml and chapters/). Default: the current directory.")
    var book: String = "."
}

/// `--allow-outside PATH`: a directory outside the book that its chapters, assets and template may resolve into.
struct OutsideArgument: ParsableArguments {
    @Option(name: .customLong("allow-outside"),
            help: ArgumentHelp("A directory outside the book that chapters, assets and the template may be symbolic links into (repeatable).",
                               valueName: "PATH"))
    var allowOutside: [String] = []

    var urls: [URL] { allowOutside.map(absoluteURL) }
}

func absoluteURL(_ path: String) -> URL {
    URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
}

/// Writes a line to standard output at once (write(2), no stdio buffer): without a terminal, as in CI logs,
/// each block's line appears when the block finishes and in order with the diagnostics on standard error.
func printLine(_ s: String) {
    FileHandle.standardOutput.write(Data((s + "\n").utf8))
}

/// Writes a line to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Runs `body`; a mistake in how labbook was called (a usage error, a Slurm submission that cannot be made)
/// is printed and ends the command with exit code 2, as the contract says. Other errors pass through. Every
/// command that loads a book goes through here, so each says it the same way.
func exitingOnUsageErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as UsageError {
        printError("error: \(e.description)")
        throw ExitCode(2)
    } catch let e as SlurmError {
        printError("error: \(e.description)")
        throw ExitCode(2)
    }
}

/// The flags in `wanted` that /proc/cpuinfo's first `flags` line lacks; nil when none is missing or the file
/// cannot be read (then the CPU is given the benefit of the doubt).
func missingCPUFeatures(_ wanted: [String]) -> [String]? {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
    let have = Set(line.split(separator: " ").map(String.init))
    let missing = wanted.filter { !have.contains($0) }
    return missing.isEmpty ? nil : missing
}
