// Limits checked on a block's YAML text before Yams sees it: Yams builds its tree recursively, so a hostile
// nesting depth would overflow the stack (a crash, not an error message).
import LabbookCore

extension YAMLTree {
    /// Deeper than any real experiment block (which nests four or five levels), shallow enough for a small thread stack.
    static let maxNesting = 64
    /// Leading spaces on a line; block-style nesting needs at least one more per level.
    static let maxIndent = 256
    /// Anchors and aliases can make a small text into a huge tree ("billion laughs"); a block has no use for many.
    static let maxAliases = 32

    /// The first place where `yaml` nests too deeply or uses too many aliases, as a diagnostic; nil when it is fine.
    /// Conservative: counts flow brackets outside quotes, `- ` and `? ` indicators and indentation, per line.
    static func nestingProblem(_ yaml: String, origin: SourceLocation) -> Diagnostic? {
        var flow = 0, aliases = 0
        for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let at = origin.offset(lines: index, column: 1)
            let chars = Array(line)
            var i = 0, indent = 0
            while i < chars.count, chars[i] == " " || chars[i] == "-" || chars[i] == "?" || chars[i] == "\t" {
                if chars[i] != " " { indent += 8 }   // "- - - x" nests a level per dash
                indent += 1
                i += 1
            }
            if indent > maxIndent {
                return .error(at: at, "the YAML is indented or nested too deeply (more than \(maxIndent) columns)",
                              hint: "an experiment block needs only a few levels")
            }
            var quote: Character?
            var previous: Character = " "
            scan: for c in chars[i...] {
                defer { previous = c }
                if let q = quote {
                    if c == q { quote = nil }
                    continue
                }
                switch c {
                case "\"" where " \t[{,:".contains(previous), "'" where " \t[{,:".contains(previous):
                    quote = c   // a quoted scalar starts
                case "#" where previous == " " || previous == "\t": break scan   // a comment
                case "[", "{": flow += 1
                case "]", "}": flow = max(0, flow - 1)
                case "*": aliases += 1
                default: break
                }
                if flow > maxNesting {
                    return .error(at: at, "the YAML nests more than \(maxNesting) levels of brackets",
                                  hint: "an experiment block needs only a few levels")
                }
            }
        }
        if aliases > maxAliases {
            return .error(at: origin, "the YAML uses more than \(maxAliases) aliases ('*name')",
                          hint: "write the values out; a block has no need for many aliases")
        }
        return nil
    }
}
