// Source positions and the one Diagnostic type shown both on the terminal and in the page.

/// A position in an author's file: `file` is the path relative to the book (e.g. `chapters/01-intro.md`),
/// `line` and `column` are 1-based.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// The same file, `lines` further down and at `column`.
    public func offset(lines: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + lines, column: column)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// A problem in the author's input, with where it is, what is wrong and how to fix it.
/// Rendered as `chapters/01-intro.md:42:3: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?`
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible, Codable {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// A fix the author can apply, e.g. "did you mean 'sigmoid'?"; appended after "; ".
    public var hint: String?

    public init(_ severity: Severity = .error, at location: SourceLocation, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
    }

    public static func error(at location: SourceLocation, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, at: location, message, hint: hint)
    }

    public static func warning(at location: SourceLocation, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, at: location, message, hint: hint)
    }

    /// Message and hint, without the location: what the page's error box shows under the location.
    public var text: String {
        if let hint { return "\(message); \(hint)" }
        return message
    }

    public var description: String { "\(location): \(severity.rawValue): \(text)" }
}

/// Collects every diagnostic of a book in one pass; sorted output is deterministic.
public struct DiagnosticList: Sendable, Error, CustomStringConvertible {
    public private(set) var items: [Diagnostic] = []

    public init(_ items: [Diagnostic] = []) { self.items = items }

    public mutating func append(_ d: Diagnostic) { items.append(d) }
    public mutating func append(contentsOf ds: [Diagnostic]) { items.append(contentsOf: ds) }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
    public var sorted: [Diagnostic] { items.sorted { ($0.location, $0.message) < ($1.location, $1.message) } }
    public var description: String { sorted.map(\.description).joined(separator: "\n") }
}
