// Parsed YAML as Swift values that remember where each node was written, and the defaults merge.
import LabbookCore
import Yams

/// A YAML value with the position of every node in the author's file (chapter or book.yml), so a
/// problem found after merging defaults still points at the line that caused it.
public struct YAMLTree: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        /// A plain or quoted scalar, as written (numbers and booleans are interpreted by the reader).
        case scalar(String)
        /// An empty value, `~` or `null`: in a block or a chapter's defaults it removes an inherited key.
        case null
        case sequence([YAMLTree])
        case mapping([Entry])
    }

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: YAMLTree

        public init(key: String, keyLocation: SourceLocation, value: YAMLTree) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// Parses `yaml`; `origin` is where its first line starts in the author's file. An empty document
    /// gives nil without diagnostics. Syntax errors and duplicate keys become diagnostics.
    public static func parse(_ yaml: String, origin: SourceLocation) -> (YAMLTree?, [Diagnostic]) {
        func place(_ mark: Mark?) -> SourceLocation {
            guard let mark else { return origin }
            return SourceLocation(file: origin.file, line: origin.line + mark.line - 1, column: mark.column + origin.column - 1)
        }
        if let problem = nestingProblem(yaml, origin: origin) { return (nil, [problem]) }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return (nil, [syntaxError(error, place)])
        } catch {
            return (nil, [.error(at: origin, "invalid YAML: \(error)")])
        }
        guard let node else { return (nil, []) }
        var diagnostics: [Diagnostic] = []
        let tree = convert(node, place, &diagnostics)
        return (tree, diagnostics)
    }

    private static func syntaxError(_ error: YamlError, _ place: (Mark?) -> SourceLocation) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return .error(at: place(mark), "invalid YAML: \(problem)", hint: context.map { "\($0.text) at line \(place($0.mark).line)" })
        default:
            return .error(at: place(nil), "invalid YAML: \(error)")
        }
    }

    private static func convert(_ node: Node, _ place: (Mark?) -> SourceLocation, _ diagnostics: inout [Diagnostic]) -> YAMLTree {
        let here = place(node.mark)
        switch node {
        case .scalar(let s):
            if s.style == .plain || s.style == .any, ["", "~", "null", "Null", "NULL"].contains(s.string) {
                return YAMLTree(.null, at: here)
            }
            return YAMLTree(.scalar(s.string), at: here)
        case .sequence(let seq):
            return YAMLTree(.sequence(seq.map { convert($0, place, &diagnostics) }), at: here)
        case .mapping(let map):
            var entries: [Entry] = []
            for (k, v) in map {
                let keyLocation = place(k.mark)
                guard case .scalar(let key) = k else {
                    diagnostics.append(.error(at: keyLocation, "a key must be a plain name, not a list or a map"))
                    continue
                }
                if let first = entries.first(where: { $0.key == key.string }) {
                    diagnostics.append(.error(at: keyLocation, "duplicate key '\(key.string)'",
                                              hint: "it is already set at line \(first.keyLocation.line)"))
                    continue
                }
                entries.append(Entry(key: key.string, keyLocation: keyLocation, value: convert(v, place, &diagnostics)))
            }
            return YAMLTree(.mapping(entries), at: here)
        }
    }

    // MARK: - Access

    public var entries: [Entry]? {
        if case .mapping(let e) = value { return e }
        return nil
    }

    public var scalar: String? {
        if case .scalar(let s) = value { return s }
        return nil
    }

    public var isNull: Bool { value == .null }

    public subscript(key: String) -> YAMLTree? {
        entries?.first { $0.key == key }?.value
    }

    public func entry(_ key: String) -> Entry? {
        entries?.first { $0.key == key }
    }

    /// A copy without the given top-level keys.
    func removing(_ keys: Set<String>) -> YAMLTree {
        guard let e = entries else { return self }
        return YAMLTree(.mapping(e.filter { !keys.contains($0.key) }), at: location)
    }

    /// Short text for labels and messages: scalars as written, lists and maps in flow style.
    public var flowText: String {
        switch value {
        case .scalar(let s): return s
        case .null: return "null"
        case .sequence(let items): return "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let entries): return "{" + entries.map { "\($0.key): \($0.value.flowText)" }.joined(separator: ", ") + "}"
        }
    }

    // MARK: - Merging defaults

    /// Keys whose value is a name with optional parameters: a bare `sigmoid` is read as `{name: sigmoid}`
    /// so that `{slope: 0.2}` in a block can refine `leaky-relu` given in the book's defaults.
    static let namedPaths: Set<[String]> = [["model", "activation"], ["model", "init"], ["loss"], ["optimizer"], ["schedule"], ["recurrent", "activation"]]

    /// Rewrites bare names at `namedPaths` into `{name: …}` maps.
    func normalizingNames(path: [String] = []) -> YAMLTree {
        if YAMLTree.namedPaths.contains(path), case .scalar = value {
            return YAMLTree(.mapping([Entry(key: "name", keyLocation: location, value: self)]), at: location)
        }
        guard let e = entries, path.count < 2 else { return self }
        return YAMLTree(.mapping(e.map { Entry(key: $0.key, keyLocation: $0.keyLocation,
                                                 value: $0.value.normalizingNames(path: path + [$0.key])) }), at: location)
    }

    /// `over` merged onto `base`: maps merge key by key (recursively), everything else is replaced,
    /// and a null in `over` removes the key. A map whose `name` (or `source`) differs from the base's
    /// replaces it whole, since parameters belong to the name (`momentum` makes no sense for adam).
    static func merge(_ base: YAMLTree?, _ over: YAMLTree?) -> YAMLTree? {
        guard let over else { return base }
        guard let base else { return over.droppingNulls() }
        guard let b = base.entries, let o = over.entries, !discriminatorChanged(b, o) else { return over.droppingNulls() }
        var result: [Entry] = []
        for entry in b {
            guard let replacement = o.first(where: { $0.key == entry.key }) else {
                result.append(entry)
                continue
            }
            if replacement.value.isNull { continue }
            if let merged = merge(entry.value, replacement.value) {
                result.append(Entry(key: entry.key, keyLocation: replacement.keyLocation, value: merged))
            }
        }
        for entry in o where !b.contains(where: { $0.key == entry.key }) && !entry.value.isNull {
            result.append(Entry(key: entry.key, keyLocation: entry.keyLocation, value: entry.value.droppingNulls()))
        }
        return YAMLTree(.mapping(result), at: over.location)
    }

    private static func discriminatorChanged(_ b: [Entry], _ o: [Entry]) -> Bool {
        for key in ["name", "source"] {
            let old = b.first { $0.key == key }?.value.scalar, new = o.first { $0.key == key }?.value.scalar
            if let old, let new, old != new { return true }
        }
        return false
    }

    private func droppingNulls() -> YAMLTree {
        guard let e = entries else { return self }
        return YAMLTree(.mapping(e.filter { !$0.value.isNull }.map {
            Entry(key: $0.key, keyLocation: $0.keyLocation, value: $0.value.droppingNulls())
        }), at: location)
    }

    /// A map holding `value` at the dotted `path`, every level placed at `location` (a sweep's key).
    static func nested(_ path: [String], _ value: YAMLTree, at location: SourceLocation) -> YAMLTree {
        var tree = value
        for key in path.reversed() {
            tree = YAMLTree(.mapping([Entry(key: key, keyLocation: location, value: tree)]), at: location)
        }
        return tree
    }
}
