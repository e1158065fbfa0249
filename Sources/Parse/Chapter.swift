// A chapter file as Swift values: front matter, Markdown runs and experiment blocks with their lines.
import LabbookCore

public enum ChapterNode: Sendable, Hashable {
    /// Markdown source between experiment blocks; the location is its first line.
    case markdown(String, SourceLocation)
    /// An `experiment` fenced block: its YAML body and the location of the opening fence.
    case experiment(yaml: String, at: SourceLocation)
}

public struct FrontMatter: Sendable, Hashable {
    /// The YAML between the `---` lines.
    public var yaml: String
    /// Location of the first YAML line (the line after the opening `---`).
    public var location: SourceLocation
}

public struct Heading: Sendable, Hashable {
    public var level: Int
    /// Plain text of the heading (inline markup dropped, math kept as written).
    public var text: String
    public var location: SourceLocation
}

public struct Chapter: Sendable {
    /// Path relative to the book, e.g. `chapters/01-intro.md`: what diagnostics show.
    public var file: String
    public var frontMatter: FrontMatter?
    public var nodes: [ChapterNode]
    public var headings: [Heading]
    /// Warnings found while parsing (e.g. an experiment block nested in a list is not run).
    public var diagnostics: [Diagnostic]

    public var experiments: [(yaml: String, location: SourceLocation)] {
        nodes.compactMap {
            if case .experiment(let yaml, let at) = $0 { return (yaml, at) }
            return nil
        }
    }
}
