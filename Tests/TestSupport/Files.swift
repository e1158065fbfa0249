// Shared by the end-to-end and reliability tests: temporary directories and byte snapshots of a directory tree.
import Foundation

public enum TestFiles {
    /// A new, empty directory under the system's temporary directory, named for the test suite and label.
    public static func temporaryDirectory(_ suite: String, _ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("labbook-\(suite)-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every regular file under `dir` (relative path → bytes).
    public static func snapshot(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return out }
        for case let rel as String in e {
            var isDir: ObjCBool = false
            let full = base + "/" + rel
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = FileManager.default.contents(atPath: full)
            }
        }
        return out
    }

    /// The text of `dir/rel`, or "" when it cannot be read.
    public static func read(_ dir: URL, _ rel: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(rel), encoding: .utf8)) ?? ""
    }
}
