// Shared helpers for the reliability tests: fixture paths, temporary directories, snapshots of a directory.
import Foundation
import TestSupport
@testable import LabbookKit

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let catalogue = root.appendingPathComponent("catalogue")
    /// The package directory (for the built `labbook` binary).
    static let package = root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `LABBOOK_RECORD=1` rewrites expected files instead of comparing.
    static var recording: Bool { ProcessInfo.processInfo.environment["LABBOOK_RECORD"] == "1" }

    /// An environment without `LABBOOK_DATA`, so that data errors do not depend on the machine.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LABBOOK_DATA"] = nil
        return env
    }

    static func tempDir(_ label: String) -> URL { TestFiles.temporaryDirectory("rel", label) }

    /// A book in a temporary directory: `files` maps relative paths to contents.
    static func book(_ label: String, _ files: [String: String]) throws -> URL {
        let dir = tempDir(label)
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    /// Copies a directory tree.
    static func copy(_ from: URL, label: String) throws -> URL {
        let dir = tempDir(label)
        try FileManager.default.removeItem(at: dir)
        try FileManager.default.copyItem(at: from, to: dir)
        return dir
    }

    /// Every regular file under `dir` (relative path → bytes).
    static func snapshot(_ dir: URL) -> [String: Data] { TestFiles.snapshot(dir) }

    static func read(_ dir: URL, _ rel: String) -> String { TestFiles.read(dir, rel) }

    static func options(_ book: URL, output: URL, cache: URL? = nil, jobs: Int = 4) -> BuildOptions {
        BuildOptions(book: book, output: output, cache: cache, useCache: cache != nil, jobs: jobs, environment: environment)
    }
}
