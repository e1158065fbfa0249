// Writing files so that a crash at any moment leaves either the old or the new content.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        // POSIX calls, not FileManager.createFile: on Linux that is itself an atomic write through a
        // `.dat.nosync…` file of its own, which a kill at the wrong moment leaves behind.
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp.path])
        }
        var ok = data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }   // empty data
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base.advanced(by: offset), raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        ok = close(fd) == 0 && ok
        guard ok, rename(tmp.path, url.path) == 0 else {
            unlink(tmp.path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return true
    }

    @discardableResult
    public static func write(_ string: String, to url: URL, skipIfUnchanged: Bool = true) throws -> Bool {
        try write(Data(string.utf8), to: url, skipIfUnchanged: skipIfUnchanged)
    }
}
