// The one writer of HTML and SVG: an element is opened and closed by one call, so markup cannot come out unbalanced.

/// HTML or SVG built by nesting. `element(_:_:_:)` writes the opening tag, runs its closure for the
/// children and writes the closing tag, so every element is closed, in order, whatever the closure does.
/// Text and attribute values are escaped on the way in; markup that is not built here enters only
/// through `append(_:)` (another writer's balanced output) or `raw(_:from:)`, which names where it came from.
/// Attributes keep the order given, so the bytes depend only on the calls.
public struct Markup: Sendable, Hashable, CustomStringConvertible {
    /// Where newlines go around an element: after its opening tag, after its closing tag.
    /// SVG writes one element per line (`.around` for containers, a newline after each leaf); HTML
    /// pages say where they want one.
    public struct Breaks: Sendable, Hashable {
        public var afterOpen: Bool
        public var afterClose: Bool
        public init(afterOpen: Bool, afterClose: Bool) {
            self.afterOpen = afterOpen
            self.afterClose = afterClose
        }
        public static let none = Breaks(afterOpen: false, afterClose: false)
        public static let after = Breaks(afterOpen: false, afterClose: true)
        public static let inside = Breaks(afterOpen: true, afterClose: false)
        public static let around = Breaks(afterOpen: true, afterClose: true)
    }

    /// Markup that was not built by a writer, by where it comes from; each case is spliced as is.
    /// (Math is typeset by KaTeX in the reader's browser, and the page template is a Mustache file
    /// rendered by swift-mustache, so neither passes through here.)
    public enum RawSource: Sendable {
        /// cmark's HTML of the author's Markdown (raw HTML in it only where the book allows it), or a
        /// piece that Labbook's passes cut out of that HTML (a heading's content, a formula's escaped TeX).
        case commonMark
        /// JavaScript that is a constant in Labbook's own source (the preview's reload poller), the body of a
        /// `<script>` element; it never holds `</script>` or anything from a book.
        case labbookScript
    }

    /// The HTML elements that have no closing tag; only these may be written without one.
    public enum VoidElement: String, Sendable {
        case br, hr, img, input, link, meta, wbr, col, source
    }

    public private(set) var string: String
    /// The breaks of an element whose call names none.
    public var defaultBreaks: Breaks

    public init(breaks: Breaks = .none) {
        string = ""
        defaultBreaks = breaks
    }

    public var description: String { string }
    public var isEmpty: Bool { string.isEmpty }

    /// `<name attributes>children</name>`.
    public mutating func element(_ name: String, _ attributes: Attributes = [], breaks: Breaks? = nil,
                                 _ children: (inout Markup) throws -> Void) rethrows {
        let b = breaks ?? defaultBreaks
        openTag(name, attributes)
        if b.afterOpen { string += "\n" }
        try children(&self)
        closeTag(name)
        if b.afterClose { string += "\n" }
    }

    /// `<name attributes>escaped text</name>`, e.g. a table cell or an SVG `<title>`.
    public mutating func element(_ name: String, _ attributes: Attributes = [], text: String, breaks: Breaks? = nil) {
        openTag(name, attributes)
        Escape.append(text, to: &string)
        closeTag(name)
        if (breaks ?? defaultBreaks).afterClose { string += "\n" }
    }

    /// An XML empty element, `<line .../>` (SVG).
    public mutating func empty(_ name: String, _ attributes: Attributes = [], breaks: Breaks? = nil) {
        string += "<"
        string += name
        string += attributes.rendered
        string += "/>"
        if (breaks ?? defaultBreaks).afterClose { string += "\n" }
    }

    /// An HTML void element, `<meta ...>`, which has no closing tag.
    public mutating func void(_ name: VoidElement, _ attributes: Attributes = [], breaks: Breaks? = nil) {
        openTag(name.rawValue, attributes)
        if (breaks ?? defaultBreaks).afterClose { string += "\n" }
    }

    /// Escaped text between elements.
    public mutating func text(_ text: String) {
        Escape.append(text, to: &string)
    }

    public mutating func newline() {
        string += "\n"
    }

    /// Another writer's output: balanced, since it was built by the same calls.
    public mutating func append(_ other: Markup) {
        string += other.string
    }

    public mutating func append(contentsOf others: some Sequence<Markup>) {
        for m in others { string += m.string }
    }

    /// Markup from outside the writer, spliced as is; `source` says why it may be trusted.
    public mutating func raw(_ markup: String, from source: RawSource) {
        string += markup
    }

    /// A writer's output built by `body` in a fresh writer with these default breaks.
    public static func build(breaks: Breaks = .none, _ body: (inout Markup) throws -> Void) rethrows -> Markup {
        var m = Markup(breaks: breaks)
        try body(&m)
        return m
    }

    private mutating func openTag(_ name: String, _ attributes: Attributes) {
        string += "<"
        string += name
        string += attributes.rendered
        string += ">"
    }

    private mutating func closeTag(_ name: String) {
        string += "</"
        string += name
        string += ">"
    }
}

/// An element's attributes in the order given, each value escaped as an attribute value when added.
/// `[("x", "1"), ("class", "axis")]` is a literal; `flag("download")` adds a boolean attribute.
public struct Attributes: ExpressibleByArrayLiteral, Sendable, Hashable {
    fileprivate private(set) var rendered: String

    public init() { rendered = "" }

    public init(arrayLiteral elements: (String, String)...) {
        rendered = ""
        for (name, value) in elements { append(name, value) }
    }

    public init(_ pairs: [(String, String)]) {
        rendered = ""
        for (name, value) in pairs { append(name, value) }
    }

    public var isEmpty: Bool { rendered.isEmpty }

    /// ` name="value"`, the value escaped.
    public mutating func append(_ name: String, _ value: String) {
        rendered += " "
        rendered += name
        rendered += "=\""
        Escape.append(value, to: &rendered)
        rendered += "\""
    }

    /// A boolean attribute written as its bare name, `<a href="x" download>`.
    public mutating func flag(_ name: String) {
        rendered += " "
        rendered += name
    }

    public static func + (lhs: Attributes, rhs: Attributes) -> Attributes {
        var a = lhs
        a.rendered += rhs.rendered
        return a
    }
}
