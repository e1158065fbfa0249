// Writing files so that a crash at any moment leaves either the old or the new content.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, flushes it, then renames it over `url`.
    /// Creates missing parent directories. Returns false (and writes nothing) when the file
    /// already holds exactly these bytes, so unchanged pages keep their modification time.
    /// Errors name the file and say why (`the disk is full (ENOSPC)`), as `SafePathError.system`.
    @discardableResult
    public static func write(_ data: Data, to url: URL, skipIfUnchanged: Bool = true) throws -> Bool {
        let fm = FileManager.default
        if skipIfUnchanged, let old = try? Data(contentsOf: url), old == data { return false }
        let dir = url.deletingLastPathComponent()
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(temporaryName())
        // POSIX calls, not FileManager.createFile: on Linux that is itself an atomic write through a
        // `.dat.nosync…` file of its own, which a kill at the wrong moment leaves behind.
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SafePathError.system(url.path, "write", errno) }
        let e = writeAll(data, to: fd, path: url.path)
        guard e == 0, rename(tmp.path, url.path) == 0 else {
            let code = e != 0 ? e : errno
            unlink(tmp.path)
            throw SafePathError.system(url.path, "write", code)
        }
        return true
    }

    @discardableResult
    public static func write(_ string: String, to url: URL, skipIfUnchanged: Bool = true) throws -> Bool {
        try write(Data(string.utf8), to: url, skipIfUnchanged: skipIfUnchanged)
    }

    /// `.lbk-PID-RANDOM.tmp`: at most 31 bytes whatever the target's name, so a long id or chapter name can
    /// never push the temporary name past NAME_MAX (255 bytes); the target's own name is checked on its own.
    public static func temporaryName() -> String {
        ".lbk-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max)).tmp"
    }

    /// Whether `name` is one of `temporaryName()`'s names (or the older `.NAME.PID.RANDOM.tmp`), left by a killed build.
    public static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        if name.hasPrefix(".lbk-") {
            let parts = name.dropFirst(5).dropLast(4).split(separator: "-")
            return parts.count == 2 && parts.allSatisfy { UInt32($0) != nil }
        }
        let parts = name.split(separator: ".")
        return parts.count >= 4 && Int(parts[parts.count - 2]) != nil && Int(parts[parts.count - 3]) != nil
    }

    /// The crash-safety tests' hook (`LABBOOK_TEST_PAUSE_MID_WRITE=SUFFIX`): the write of a file whose path ends
    /// in SUFFIX stops after half of its bytes, says so on stderr and waits to be killed, so a test can kill a
    /// build at the one moment that matters and see what a reader would then find. Unset in every real build.
    static let pauseMidWrite = ProcessInfo.processInfo.environment["LABBOOK_TEST_PAUSE_MID_WRITE"].flatMap { $0.isEmpty ? nil : $0 }

    /// Writes all of `data` (for the file at `path`), fsyncs and closes `fd`; returns 0 or the errno of the first failure.
    static func writeAll(_ data: Data, to fd: Int32, path: String) -> Int32 {
        var failure: Int32 = 0
        let pauseAt = pauseMidWrite.map { path.hasSuffix($0) } == true ? data.count / 2 : nil
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }   // empty data
            var offset = 0
            while offset < raw.count {
                let end = pauseAt.map { offset < $0 ? $0 : raw.count } ?? raw.count
                let n = Glibc.write(fd, base.advanced(by: offset), end - offset)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                offset += n
                if let pauseAt, offset == pauseAt { pauseForTest(path, written: offset, of: raw.count) }
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        return failure
    }

    private static func pauseForTest(_ path: String, written: Int, of total: Int) -> Never {
        FileHandle.standardError.write(Data("labbook: paused mid-write of \(path) (\(written) of \(total) bytes written)\n".utf8))
        while true { sleep(60) }
    }
}
