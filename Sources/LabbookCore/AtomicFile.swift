// Writing files so that a crash at any moment leaves either the old or the new content.
import Foundation

public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, flushes it, then renames it over `url`.
    /// Creates missing parent directories. Returns false (and writes nothing) when the file
    /// already holds exactly these bytes, so unchanged pages keep their modification time.
    @discardableResult
    public static func write(_ data: Data, to url: URL, skipIfUnchanged: Bool = true) throws -> Bool {
        let fm = FileManager.default
        if skipIfUnchanged, let old = try? Data(contentsOf: url), old == data { return false }
        let dir = url.deletingLastPathComponent()
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0 ... .max)).tmp")
        guard fm.createFile(atPath: tmp.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(tmp.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
        return true
    }

    @discardableResult
    public static func write(_ string: String, to url: URL, skipIfUnchanged: Bool = true) throws -> Bool {
        try write(Data(string.utf8), to: url, skipIfUnchanged: skipIfUnchanged)
    }
}
