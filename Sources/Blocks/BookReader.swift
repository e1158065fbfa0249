// book.yml and a chapter's front matter: titles, language and the defaults merged under blocks.
import LabbookCore

public enum BookReader {
    static let keys = ["title", "author", "language", "description", "defaults", "bibliography"]

    /// Reads book.yml (`file` is its path relative to the book, e.g. "book.yml"). Problems are
    /// diagnostics; the returned config holds whatever was readable.
    public static func readBookConfig(yaml: String, file: String) -> (BookConfig, [Diagnostic]) {
        let (tree, syntax) = YAMLTree.parse(yaml, origin: SourceLocation(file: file, line: 1))
        var config = BookConfig()
        guard syntax.isEmpty, let tree else { return (config, syntax) }
        let c = Checker()
        guard let f = c.map(tree, file, keys: keys) else { return (config, c.diagnostics) }
        config.title = f["title"].flatMap { c.text($0, "title") }
        config.author = f["author"].flatMap { c.text($0, "author") }
        config.description = f["description"].flatMap { c.text($0, "description") }
        if let l = f["language"], let lang = c.text(l, "language") {
            if isLanguageTag(lang) { config.language = lang } else {
                c.error(l.location, "'language' must be a BCP 47 tag such as 'en' or 'pt-BR', got '\(lang)'")
            }
        }
        config.defaults = defaults(f["defaults"], c)
        if let b = f["bibliography"], let file = c.text(b, "bibliography") {
            if file.hasPrefix("/") || file.split(separator: "/").contains("..") {
                c.error(b.location, "'bibliography' must be a path inside the book, such as 'references.bib', got '\(file)'")
            } else {
                config.bibliography = file
            }
        }
        return (config, c.diagnostics)
    }

    /// Letters, digits and '-' in subtags of 1–8 characters, starting with a 2–8 letter language.
    static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// A defaults map. Its keys and values are checked where a block uses them (with locations in
    /// this file), so each problem is reported once, in the same words as in a block.
    static func defaults(_ t: YAMLTree?, _ c: Checker) -> YAMLTree? {
        guard let t, !t.isNull else { return nil }
        guard t.entries != nil else {
            c.error(t.location, "'defaults' must be a map of experiment keys, got \(Checker.describe(t))")
            return nil
        }
        return t
    }

    /// Reads a chapter's front matter (Parse's `FrontMatter`: its YAML and where it starts); `location` is the
    /// line of the first YAML line in the chapter file.
    public static func readFrontMatter(yaml: String, at location: SourceLocation) -> (ChapterMeta, [Diagnostic]) {
        let (tree, syntax) = YAMLTree.parse(yaml, origin: location)
        var meta = ChapterMeta()
        guard syntax.isEmpty, let tree else { return (meta, syntax) }
        let c = Checker()
        guard let f = c.map(tree, "front matter", keys: ["title", "language", "defaults"]) else { return (meta, c.diagnostics) }
        meta.title = f["title"].flatMap { c.text($0, "title") }
        if let l = f["language"], let lang = c.text(l, "language") {
            if BookReader.isLanguageTag(lang) { meta.language = lang } else {
                c.error(l.location, "'language' must be a BCP 47 tag such as 'ja' or 'pt-BR', got '\(lang)'")
            }
        }
        meta.defaults = BookReader.defaults(f["defaults"], c)
        return (meta, c.diagnostics)
    }
}
