// Reading a book's own files (chapters, book.yml, template, custom CSS) so that none can reach outside the book.
//
// A book from a stranger may hold `chapters/09.md → /etc/passwd`; publishing it would put the file on the web.
// Each file is resolved (realpath: every link followed) and must lie inside the book's resolved directory, or
// inside a directory the author named with `--allow-outside PATH`. It is then opened with O_NOFOLLOW, so the
// path checked is the path read, and must be a regular file: a FIFO would block the build, a device would
// stream forever. Data files (`data.path`, `$LABBOOK_DATA`, /usr/share/datasets) are the documented exception.
import Foundation
import LabbookCore
#if canImport(Glibc)
import Glibc
#endif

public enum BookFiles {
    /// Why a book file could not be read, in words for a diagnostic (the file is named by the caller).
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case missing
        case outside(String)
        case notRegular(String)
        case unreadable(String)

        public var description: String {
            switch self {
            case .missing: "the file does not exist"
            case .outside(let target): "it is a symbolic link to '\(target)', outside the book"
            case .notRegular(let what): "it is not a regular file (\(what))"
            case .unreadable(let why): "cannot read it: \(why)"
            }
        }

        /// What to do about it.
        public var hint: String {
            switch self {
            case .outside: "copy the file into the book, or pass --allow-outside DIR to publish files from DIR"
            case .notRegular: "chapters, templates and assets must be ordinary files"
            case .missing, .unreadable: "check the file's permissions, or remove it"
            }
        }
    }

    /// The resolved path, or nil when it does not exist.
    static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether the resolved `path` is `root` or beneath it.
    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// The bytes of `relative` in `book`, if it resolves inside the book (or an allowed directory) and is a regular file.
    public static func read(_ relative: String, in book: URL, allowOutside: [URL] = []) -> Result<Data, Problem> {
        let path = book.appendingPathComponent(relative).path
        var st = stat()
        guard lstat(path, &st) == 0 else { return .failure(.missing) }
        guard let real = resolved(path) else { return .failure(.missing) }   // a dangling link
        let roots = ([book] + allowOutside).compactMap { resolved($0.path) }
        guard roots.contains(where: { isInside(real, $0) }) else { return .failure(.outside(real)) }
        let fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.unreadable(SystemError.describe(errno))) }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable(SystemError.describe(errno))) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(.notRegular("a directory"))
        case S_IFIFO: return .failure(.notRegular("a FIFO"))
        case S_IFCHR: return .failure(.notRegular("a character device"))
        case S_IFBLK: return .failure(.notRegular("a block device"))
        case S_IFSOCK: return .failure(.notRegular("a socket"))
        default: return .failure(.notRegular("not a file"))
        }
        guard let data = SafeDirectory.readAll(fd) else { return .failure(.unreadable(SystemError.describe(errno))) }
        return .success(data)
    }

    /// The output directory to write into. It may not be a symbolic link (a book shipping `output → /some/dir`
    /// would have the build write there) unless it resolves into an `--allow-outside` directory.
    public static func outputDirectory(_ output: URL, allowOutside: [URL]) throws -> URL {
        var st = stat()
        guard lstat(output.path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return output }
        let target = resolved(output.path) ?? "a missing directory"
        if allowOutside.compactMap({ resolved($0.path) }).contains(where: { isInside(target, $0) }) {
            return URL(fileURLWithPath: target)
        }
        throw UsageError("the output directory \(output.path) is a symbolic link to '\(target)'; Labbook writes only into a real directory (remove the link, or pass --allow-outside \(target))")
    }
}
