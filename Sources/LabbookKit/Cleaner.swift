// Removes what Labbook wrote and nothing else: the files in the output's manifest, then empty directories.
import Foundation
import Site

public enum Cleaner {
    /// Returns the number of files removed. A directory without a manifest is left alone.
    public static func clean(output: URL) throws -> Int {
        let fm = FileManager.default
        let manifest = output.appendingPathComponent(SiteWriter.manifestName)
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else { return 0 }
        // Not while a build writes into it; the lock file goes too, as the last thing labbook wrote here.
        let lock = try BuildLock.acquire(output, wait: false)
        defer {
            try? fm.removeItem(at: output.appendingPathComponent(BuildLock.fileName))
            withExtendedLifetime(lock) {}
        }
        var removed = 0
        var dirs = Set<String>()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let path = String(line)
            guard SiteWriter.isSafeRelativePath(path) else { continue }
            if (try? fm.removeItem(at: output.appendingPathComponent(path))) != nil { removed += 1 }
            var parent = (path as NSString).deletingLastPathComponent
            while !parent.isEmpty {
                dirs.insert(parent)
                parent = (parent as NSString).deletingLastPathComponent
            }
        }
        try fm.removeItem(at: manifest)
        // Deepest first; only directories that became empty.
        for d in dirs.sorted(by: { $0.count > $1.count }) {
            let url = output.appendingPathComponent(d)
            if let items = try? fm.contentsOfDirectory(atPath: url.path), items.isEmpty { try? fm.removeItem(at: url) }
        }
        let rest = (try? fm.contentsOfDirectory(atPath: output.path)) ?? []
        if rest.allSatisfy({ $0 == BuildLock.fileName }) {
            try? fm.removeItem(at: output.appendingPathComponent(BuildLock.fileName))
            try? fm.removeItem(at: output)
        }
        return removed
    }
}
