// Removes what Labbook wrote and nothing else: the files in the output's manifest, the build state, and with
// `--cache` the run cache's entries; then the directories that became empty.
//
// The manifest is data from the book (a stranger's book may ship one), so each line must be a safe relative
// path and is removed through `SafeDirectory`: a line `x/secret.txt` beside a link `output/x → /some/dir`
// removes nothing outside output/. The lock is held throughout and its file is never removed.
import Foundation
import LabbookCore
import Site

public struct CleanReport: Sendable, Equatable {
    /// Site files removed from the output directory.
    public var files = 0
    /// Run cache entries removed (with `--cache`).
    public var cacheEntries = 0
}

public enum Cleaner {
    /// Removes the site `output` (as listed in its manifest) and its build state; with `cache`, that cache's
    /// entries too. Throws `BuildLock.Failure.busy` while a build of this output runs.
    public static func clean(book: URL, output: URL, cache: URL? = nil) throws -> CleanReport {
        let stateURL = StateDirectory.url(book: book, output: output)
        var report = CleanReport()
        let lock = try BuildLock.acquire(stateURL, wait: false)
        defer { withExtendedLifetime(lock) {} }
        let state = try SafeDirectory(stateURL)
        if let out = try? SafeDirectory(output, create: false) {
            // The manifest, or the one an older Labbook kept inside output/.
            let text = (state.read(SiteWriter.manifestName) ?? out.read(SiteWriter.legacyNames[0]))
                .map { String(decoding: $0, as: UTF8.self) }
            if let text {
                var dirs = Set<String>()
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    let path = String(line)
                    guard SafeDirectory.isSafeRelativePath(path) else { continue }
                    if out.remove(path) { report.files += 1 }
                    var parts = path.split(separator: "/").dropLast()
                    while !parts.isEmpty {
                        dirs.insert(parts.joined(separator: "/"))
                        parts = parts.dropLast()
                    }
                }
                for name in SiteWriter.legacyNames { out.remove(name) }
                removeEmptyDirectories(dirs, in: out)
                if out.files().isEmpty, (try? FileManager.default.contentsOfDirectory(atPath: output.path))?.isEmpty == true {
                    try? FileManager.default.removeItem(at: output)
                }
            }
        }
        state.remove(SiteWriter.manifestName)
        state.remove(StateDirectory.stateName)
        if let cache, let dir = try? SafeDirectory(cache, create: false) {
            report.cacheEntries = removeCacheEntries(dir)
        }
        return report
    }

    /// Deepest first; only directories that became empty (a link is never a directory here).
    static func removeEmptyDirectories(_ dirs: Set<String>, in dir: SafeDirectory) {
        for d in dirs.sorted(by: { $0.split(separator: "/").count > $1.split(separator: "/").count }) {
            dir.removeEmptyDirectory(d)
        }
    }

    static let cacheMarker = ".labbook-cache"

    /// The run cache's files: `XX/KEY.run` with XX two hex digits (and temporaries of killed writes).
    static func removeCacheEntries(_ dir: SafeDirectory) -> Int {
        var removed = 0
        var dirs = Set<String>()
        for rel in dir.files() {
            let parts = rel.split(separator: "/")
            guard parts.count == 2, parts[0].count == 2, parts[0].allSatisfy(\.isHexDigit),
                  parts[1].hasSuffix(".run") || AtomicFile.isTemporaryName(String(parts[1])) else { continue }
            if dir.remove(rel) { removed += 1 }
            dirs.insert(String(parts[0]))
        }
        removeEmptyDirectories(dirs, in: dir)
        // The marker RunCache writes, once nothing else is left; then the directory itself.
        if dir.files() == [cacheMarker] { dir.remove(cacheMarker) }
        if dir.files().isEmpty { rmdir(dir.url.path) }
        return removed
    }
}
