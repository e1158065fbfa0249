// Reading typed values out of a YAMLTree while collecting every problem as a located Diagnostic.
import Foundation
import LabbookCore
import Vocabulary

/// Accumulates diagnostics; each accessor returns nil (and reports why) when a value is unusable,
/// so the caller can carry on and find the block's other problems in the same pass.
final class Checker {
    private(set) var diagnostics: [Diagnostic] = []
    /// Where data files are read at validation time; nil: CSV tables are checked when the block runs.
    var dataRoot: DataRoot?
    /// The engine's answers about shapes and budgets; nil for readers that never see a model (book config, front
    /// matter), as `BlockReader.read` always passes one.
    let feasibility: (any Feasibility)?

    init(feasibility: (any Feasibility)? = nil) {
        self.feasibility = feasibility
    }

    func error(_ location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(.error(at: location, message, hint: hint))
    }

    func warning(_ location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(.warning(at: location, message, hint: hint))
    }

    /// How a value reads in a message: `'abc'` for scalars, "a list" or "a map" otherwise.
    static func describe(_ t: YAMLTree) -> String {
        switch t.value {
        case .scalar(let s): "'\(s)'"
        case .null: "nothing"
        case .sequence: "a list"
        case .mapping: "a map"
        }
    }

    /// The entries of a map whose keys must be among `keys`; unknown keys are reported with a
    /// suggestion. `path` is "" at the top level of a block, else the dotted path ("train").
    func map(_ t: YAMLTree, _ path: String, keys: [String]) -> [String: YAMLTree]? {
        guard let entries = t.entries else {
            error(t.location, "'\(path)' must be a map of keys (one of: \(keys.joined(separator: ", "))), got \(Checker.describe(t))")
            return nil
        }
        var out: [String: YAMLTree] = [:]
        for e in entries {
            if keys.contains(e.key) {
                out[e.key] = e.value
            } else {
                let place = path.isEmpty ? "" : " in '\(path)'"
                error(e.keyLocation, "unknown key '\(e.key)'\(place)", hint: suggestion(for: e.key, in: keys))
            }
        }
        return out
    }

    func int(_ t: YAMLTree, _ path: String, min: Int, what: String, _ accept: (Int) -> Bool = { _ in true }) -> Int? {
        if let s = t.scalar, let v = Int(s.replacingOccurrences(of: "_", with: "")), v >= min, accept(v) { return v }
        error(t.location, "'\(path)' must be \(what), got \(Checker.describe(t))")
        return nil
    }

    func positiveInt(_ t: YAMLTree, _ path: String) -> Int? { int(t, path, min: 1, what: "a positive integer") }
    func nonNegativeInt(_ t: YAMLTree, _ path: String) -> Int? { int(t, path, min: 0, what: "a non-negative integer") }

    func number(_ t: YAMLTree) -> Double? {
        guard let s = t.scalar, let v = Double(s.replacingOccurrences(of: "_", with: "")), v.isFinite else { return nil }
        return v
    }

    /// A finite number satisfying `accept`; `what` completes "'optimizer.lr' must be …".
    func number(_ t: YAMLTree, _ path: String, what: String, _ accept: (Double) -> Bool) -> Double? {
        if let v = number(t), accept(v) { return v }
        error(t.location, "'\(path)' must be \(what), got \(Checker.describe(t))")
        return nil
    }

    func positiveNumber(_ t: YAMLTree, _ path: String) -> Double? { number(t, path, what: "a positive number") { $0 > 0 } }

    func unitInterval(_ t: YAMLTree, _ path: String) -> Double? { number(t, path, what: "a number in [0, 1)") { $0 >= 0 && $0 < 1 } }

    func bool(_ t: YAMLTree, _ path: String) -> Bool? {
        switch t.scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(t.location, "'\(path)' must be true or false, got \(Checker.describe(t))")
            return nil
        }
    }

    func text(_ t: YAMLTree, _ path: String) -> String? {
        if let s = t.scalar { return s }
        error(t.location, "'\(path)' must be text, got \(Checker.describe(t))")
        return nil
    }

    /// A name from `names`; otherwise "unknown KIND 'x'" with a did-you-mean.
    func name(_ t: YAMLTree, kind: String, names: [String], path: String) -> String? {
        guard let s = t.scalar else {
            error(t.location, "'\(path)' must be a name (one of: \(names.joined(separator: ", "))), got \(Checker.describe(t))")
            return nil
        }
        if names.contains(s) { return s }
        error(t.location, "unknown \(kind) '\(s)'", hint: suggestion(for: s, in: names))
        return nil
    }

    /// A list; with `single`, one scalar or map stands for a one-element list (`show: summary`).
    func list(_ t: YAMLTree, _ path: String, what: String, single: Bool = false) -> [YAMLTree]? {
        if case .sequence(let items) = t.value { return items }
        if single, t.scalar != nil || t.entries != nil { return [t] }
        error(t.location, "'\(path)' must be \(what), got \(Checker.describe(t))")
        return nil
    }

    /// Removes repeated diagnostics (the same problem found in several sweep variants), keeping order.
    func deduplicated() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }
    }
}
