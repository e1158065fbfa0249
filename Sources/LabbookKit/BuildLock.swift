// One build of a book's output at a time: flock(2) on `.labbook/lock`, released when the holder exits or dies.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive lock on an output directory. The kernel drops it when the process exits, even on SIGKILL,
/// so a killed build never leaves a stale lock behind. The file holds the holder's pid, for the waiting message.
/// The file is never removed (not by `clean` either): a build waiting on it and the holder must lock the same
/// inode, and unlinking it from under a waiter let a third build run beside the second.
public final class BuildLock: Sendable {
    public static let fileName = StateDirectory.lockName
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { release() }

    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String, Int32)
        case busy(pid: Int32?)

        public var description: String {
            switch self {
            case .cannotOpen(let path, let errno):
                "cannot create the build lock \(path): \(String(cString: strerror(errno)))"
            case .busy(let pid):
                "another labbook build of this book is running\(pid.map { " (pid \($0))" } ?? ""); try again when it has finished"
            }
        }
    }

    /// Takes the lock in the state directory `directory` (created if missing). When another process holds it: with `wait`, calls
    /// `onWait(pid)` once and blocks until it is free; without, throws `.busy`.
    public static func acquire(_ directory: URL, wait: Bool = true, onWait: ((Int32?) -> Void)? = nil) throws -> BuildLock {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(fileName).path
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.cannotOpen(fileName, errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = holderPID(fd)
            guard wait else {
                close(fd)
                throw Failure.busy(pid: holder)
            }
            onWait?(holder)
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let e = errno
                    close(fd)
                    throw Failure.cannotOpen(fileName, e)
                }
            }
        }
        // Record who holds it: "PID\n".
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return BuildLock(fd: fd)
    }

    /// The pid written by the holder, if it is readable.
    static func holderPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }

    /// Unlocks and closes (closing alone would unlock too; this says so).
    /// The pid is erased first, so the file of a finished build is empty, whoever reads it.
    private func release() {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
