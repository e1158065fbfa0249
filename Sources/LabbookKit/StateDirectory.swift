// Where a build keeps what is not the site: the lock, the build state and the manifest, beside the cache.
//
// `output/` holds exactly what a reader's browser needs (spec 6.5), so two builds of the same book give the
// same directory and a deploy ships nothing of Labbook's own. The default output `BOOK/output` keeps its
// state in `BOOK/.labbook/`; any other output `DIR/NAME` in `DIR/.NAME.labbook/`, so two outputs of one book
// never share a manifest (and a test's temporary output never writes into a fixture book).
import Foundation
import LabbookCore

public enum StateDirectory {
    public static let defaultName = ".labbook"
    /// Locked with flock(2) and never removed, so a waiting build and its holder always lock the same inode.
    public static let lockName = "lock"
    /// What the site was built from (`BuildState`); `labbook check` compares it with the book.
    public static let stateName = "state.json"
    /// Every file the build wrote into the output directory, one relative path a line.
    public static let manifestName = "manifest"
    /// The names earlier versions left inside `output/`; a build removes them and reads the old manifest once.
    public static let legacyNames = [".labbook-manifest", ".labbook-state.json", ".labbook-lock"]

    /// The state directory of `output` for `book`.
    public static func url(book: URL, output: URL) -> URL {
        let out = output.standardizedFileURL
        if out.path == book.appendingPathComponent("output").standardizedFileURL.path {
            return book.appendingPathComponent(defaultName)
        }
        return out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).labbook")
    }
}
