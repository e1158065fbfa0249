// Reading, writing and removing files under one directory without ever following a symbolic link out of it.
//
// Every path is walked one component at a time from an open descriptor of the root, with
// `openat(…, O_NOFOLLOW | O_DIRECTORY)` for directories and `O_NOFOLLOW` for files; `renameat` and `unlinkat`
// act on a link itself, never on what it points to. So a book that ships `output/x → /some/dir`, or a
// manifest line `x/secret.txt`, cannot make Labbook write or delete anything outside the root: the walk
// stops at the link with an error naming it.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum SafePathError: Error, CustomStringConvertible, Equatable {
    /// A relative path with `..`, `.`, an empty component, a backslash or a leading `/`.
    case unsafe(String)
    /// A component of the path (or the root itself) is a symbolic link; Labbook never follows one here.
    case symlink(String)
    /// A component that must be a directory is something else.
    case notDirectory(String)
    /// A system call failed: the path, what was being done and errno.
    case system(String, String, Int32)

    public var description: String {
        switch self {
        case .unsafe(let p): "refusing the path '\(p)': it must stay inside its directory (no '..', no absolute path)"
        case .symlink(let p): "refusing to follow the symbolic link '\(p)': Labbook never writes or removes through a link"
        case .notDirectory(let p): "'\(p)' is not a directory"
        case .system(let p, let what, let e): "cannot \(what) '\(p)': \(SystemError.describe(e))"
        }
    }
}

/// errno as words, with the two a user can act on spelled out.
public enum SystemError {
    public static func describe(_ e: Int32) -> String {
        switch e {
        case ENOSPC: "the disk is full (ENOSPC)"
        case EDQUOT: "the disk quota is exceeded (EDQUOT)"
        case ENAMETOOLONG: "the file name is too long (ENAMETOOLONG)"
        default: String(cString: strerror(e))
        }
    }
}

/// An open directory that hands out only paths beneath it.
public final class SafeDirectory: @unchecked Sendable {
    public let url: URL
    let fd: Int32

    /// Opens (creating it if `create`) the directory at `url`. Its parents are the caller's and are trusted;
    /// the directory itself must not be a symbolic link.
    public init(_ url: URL, create: Bool = true) throws {
        self.url = url
        if create {
            let parent = url.deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            if mkdir(url.path, 0o755) != 0, errno != EEXIST { throw SafePathError.system(url.path, "create the directory", errno) }
        }
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        var st = stat()
        guard fd >= 0 else {
            let e = errno
            throw SafeDirectory.openError(url.path, lstat(url.path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK ? ELOOP : e)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Relative, no `..`, `.`, empty components, backslashes or leading `/`.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != ".." && $0 != "." && !$0.isEmpty }
    }

    static func openError(_ path: String, _ e: Int32) -> SafePathError {
        e == ELOOP ? .symlink(path) : (e == ENOTDIR ? .notDirectory(path) : .system(path, "open", e))
    }

    /// Walks to the directory holding `path`'s last component (creating directories if `create`);
    /// returns its descriptor (the caller closes it unless it is `fd`) and the last component.
    func parent(of path: String, create: Bool) throws -> (Int32, String) {
        guard SafeDirectory.isSafeRelativePath(path) else { throw SafePathError.unsafe(path) }
        let parts = path.split(separator: "/").map(String.init)
        var dir = fd
        var walked = ""
        for part in parts.dropLast() {
            walked += walked.isEmpty ? part : "/" + part
            if create, mkdirat(dir, part, 0o755) != 0, errno != EEXIST {
                let e = errno
                if dir != fd { close(dir) }
                throw SafePathError.system(walked, "create the directory", e)
            }
            let next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            var e = errno
            // Linux answers ENOTDIR, not ELOOP, for a link opened with O_DIRECTORY | O_NOFOLLOW.
            var st = stat()
            if next < 0, fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0, st.st_mode & S_IFMT == S_IFLNK { e = ELOOP }
            if dir != fd { close(dir) }
            guard next >= 0 else { throw SafeDirectory.openError(walked, e) }
            dir = next
        }
        return (dir, parts.last ?? path)
    }

    /// The bytes of the regular file at `path`, or nil if it is missing, a link, or not a regular file.
    public func read(_ path: String) -> Data? {
        guard let (f, _) = openRegularFile(path) else { return nil }
        defer { close(f) }
        return SafeDirectory.readAll(f)
    }

    /// An open descriptor (the caller closes it) and the size of the regular file at `path`, or nil if it is
    /// missing, reached through a link, or not a regular file. For streaming a file without reading it whole.
    public func openRegularFile(_ path: String) -> (fd: Int32, size: Int)? {
        guard let (dir, name) = try? parent(of: path, create: false) else { return nil }
        defer { if dir != fd { close(dir) } }
        let f = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard f >= 0 else { return nil }
        var st = stat()
        guard fstat(f, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { close(f); return nil }
        return (f, Int(st.st_size))
    }

    /// True when `path` names a regular file (not a link).
    public func isRegularFile(_ path: String) -> Bool {
        guard let (dir, name) = try? parent(of: path, create: false) else { return false }
        defer { if dir != fd { close(dir) } }
        var st = stat()
        return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mode & S_IFMT == S_IFREG
    }

    /// Writes `data` to `path` atomically (a temporary file in the same directory, flushed, renamed over the
    /// old name; a link at that name is replaced, not followed). Returns false when the file already holds
    /// exactly these bytes.
    @discardableResult
    public func write(_ data: Data, to path: String, skipIfUnchanged: Bool = true) throws -> Bool {
        guard let staged = try stage(data, to: path, skipIfUnchanged: skipIfUnchanged) else { return false }
        try commit(staged)
        return true
    }

    /// A file written and flushed under a temporary name beside its target, not yet renamed into place.
    public struct Staged: Sendable {
        public let path: String
        let temporary: String
    }

    /// The first half of `write`: the bytes on disk under a temporary name (nil when the file already holds
    /// them). Staging every file before committing any means a full disk leaves the old site whole.
    public func stage(_ data: Data, to path: String, skipIfUnchanged: Bool = true) throws -> Staged? {
        if skipIfUnchanged, let old = read(path), old == data { return nil }
        let (dir, _) = try parent(of: path, create: true)
        defer { if dir != fd { close(dir) } }
        let tmp = AtomicFile.temporaryName()
        let f = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw SafePathError.system(path, "write", errno) }
        let e = AtomicFile.writeAll(data, to: f, path: path)
        guard e == 0 else {
            unlinkat(dir, tmp, 0)
            throw SafePathError.system(path, "write", e)
        }
        return Staged(path: path, temporary: tmp)
    }

    /// The second half: renames the staged file over its target.
    public func commit(_ staged: Staged) throws {
        let (dir, name) = try parent(of: staged.path, create: false)
        defer { if dir != fd { close(dir) } }
        guard renameat(dir, staged.temporary, dir, name) == 0 else {
            let e = errno
            unlinkat(dir, staged.temporary, 0)
            throw SafePathError.system(staged.path, "write", e)
        }
    }

    /// Removes a staged file that will not be committed.
    public func discard(_ staged: Staged) {
        guard let (dir, _) = try? parent(of: staged.path, create: false) else { return }
        defer { if dir != fd { close(dir) } }
        unlinkat(dir, staged.temporary, 0)
    }

    /// Removes the file (or link) at `path`, never what a link points to. Returns true if something was removed.
    @discardableResult
    public func remove(_ path: String) -> Bool {
        guard let (dir, name) = try? parent(of: path, create: false) else { return false }
        defer { if dir != fd { close(dir) } }
        return unlinkat(dir, name, 0) == 0
    }

    /// Removes the directory at `path` if it is empty (and not a link).
    @discardableResult
    public func removeEmptyDirectory(_ path: String) -> Bool {
        guard let (dir, name) = try? parent(of: path, create: false) else { return false }
        defer { if dir != fd { close(dir) } }
        return unlinkat(dir, name, AT_REMOVEDIR) == 0
    }

    /// Every regular file beneath the root, relative; links and what they point to are skipped.
    public func files() -> [String] {
        var out: [String] = []
        func walk(_ dirFD: Int32, _ prefix: String, depth: Int) {
            // A fresh open of "." (not dup, which would share the read position between calls).
            let own = openat(dirFD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard depth < 64, own >= 0 else { return }
            guard let d = fdopendir(own) else { close(own); return }
            defer { closedir(d) }
            while let entry = readdir(d) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                var st = stat()
                guard fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                let rel = prefix.isEmpty ? name : prefix + "/" + name
                switch st.st_mode & S_IFMT {
                case S_IFREG: out.append(rel)
                case S_IFDIR:
                    let sub = openat(dirFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    if sub >= 0 { walk(sub, rel, depth: depth + 1); close(sub) }
                default: break
                }
            }
        }
        walk(fd, "", depth: 0)
        return out.sorted()
    }

    public static func readAll(_ f: Int32) -> Data? {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(f, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }
}
