// What a build leaves in `.labbook/state.json` so `labbook check` can tell a stale site without running anything.
import Engine
import Foundation
import LabbookCore

/// Per chapter: a digest of everything its page is made from besides the runs; per block: the runs' cache keys.
public struct BuildState: Codable, Sendable, Equatable {
    public static let fileName = StateDirectory.stateName

    public var engine: String
    public var chapters: [String: String]
    public var blocks: [String: [String]]
    /// Build options that change the pages (raw HTML passed or stripped).
    public var options: String
    /// True when the build that wrote this had no failed block and no diagnostic at all: only then may a
    /// later build with the same state skip its work.
    public var clean: Bool

    public init(engine: String = EngineInfo.version, chapters: [String: String] = [:], blocks: [String: [String]] = [:],
                options: String = "", clean: Bool = false) {
        self.engine = engine
        self.chapters = chapters
        self.blocks = blocks
        self.options = options
        self.clean = clean
    }

    public static func options(rawHTML: Bool) -> String { rawHTML ? "raw-html" : "no-raw-html" }

    /// SHA-256 over a format tag and the texts a chapter page depends on (book.yml, the chapter, the template,
    /// custom CSS). The renderer is not in it: `labbook check` draws the pages again and compares their bytes, so a
    /// renderer change needs no number bumped by hand. The tag stays "-2" so digests written before stay valid.
    public static func pageDigest(_ parts: [String]) -> String {
        let h = SHA256()
        h.update("labbook-page-2\n")
        for p in parts {
            h.update("\(p.utf8.count):")
            h.update(p)
        }
        return h.finalizeHex()
    }

    public func encoded() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? enc.encode(self)) ?? Data()
    }
}
