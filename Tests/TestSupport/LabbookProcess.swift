// Runs the built `labbook` executable in a child process, for tests of what only a process shows (exit codes, signals).
import Foundation

public enum LabbookProcess {
    /// The package directory (this file is Tests/TestSupport/LabbookProcess.swift).
    public static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `labbook` executable beside the test bundle (swift test builds every product first), else .build/debug's.
    public static let binary: URL? = {
        let fm = FileManager.default
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("labbook")
        let debug = package.appendingPathComponent(".build/debug/labbook")
        for candidate in [beside, debug] where fm.isExecutableFile(atPath: candidate.path) { return candidate.resolvingSymlinksInPath() }
        return nil
    }()

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Starts `executable ARGS` (default: labbook) with stdout and stderr going to `logs/stdout`, `logs/stderr`.
    public static func start(_ arguments: [String], logs: URL, executable: URL? = nil,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Process {
        guard let exe = executable ?? binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "labbook has not been built (swift build)"])
        }
        let p = Process()
        p.executableURL = exe
        p.arguments = arguments
        var env = environment
        env["LABBOOK_KATEX"] = env["LABBOOK_KATEX"] ?? "/usr/share/javascript/katex"
        p.environment = env
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        for name in ["stdout", "stderr"] { try Data().write(to: logs.appendingPathComponent(name)) }
        p.standardOutput = try FileHandle(forWritingTo: logs.appendingPathComponent("stdout"))
        p.standardError = try FileHandle(forWritingTo: logs.appendingPathComponent("stderr"))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Runs to the end and returns the exit status and both outputs.
    public static func run(_ arguments: [String], logs: URL, executable: URL? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Result {
        let p = try start(arguments, logs: logs, executable: executable, environment: environment)
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: TestFiles.read(logs, "stdout"), stderr: TestFiles.read(logs, "stderr"))
    }
}
