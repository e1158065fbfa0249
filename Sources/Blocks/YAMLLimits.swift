// Limits checked on a block's YAML before Yams builds a tree: Yams composes recursively, so a hostile nesting
// depth would overflow the stack, and aliases can make a small text into a huge tree ("billion laughs").
//
// The count runs on libyaml's own event stream (the parser Yams wraps; it keeps its state on the heap, not the
// stack, so any depth is safe to parse), so quoting, comments, block scalars and flow syntax are exactly YAML's:
// a hand-written scanner that guessed where quotes start was fooled by `[a "b, [[[…`, where `"` is an ordinary
// character of the plain scalar `a "b`. A syntax error ends the count; Yams then reports it with its line.
import CYaml
import LabbookCore

extension YAMLTree {
    /// Deeper than any real experiment block (which nests four or five levels), shallow enough for a small thread stack.
    static let maxNesting = 64
    /// Anchors and aliases can make a small text into a huge tree; a block has no use for many.
    static let maxAliases = 32

    /// The first place where `yaml` nests too deeply or uses too many aliases, as a diagnostic; nil when it is fine.
    static func nestingProblem(_ yaml: String, origin: SourceLocation) -> Diagnostic? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(yaml.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Diagnostic? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0, aliases = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }   // a syntax error: Yams reports it
                defer { yaml_event_delete(&event) }
                let at = origin.offset(lines: Int(event.start_mark.line), column: Int(event.start_mark.column) + 1)
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > maxNesting {
                        return .error(at: at, "the YAML nests more than \(maxNesting) levels",
                                      hint: "an experiment block needs only a few levels")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_ALIAS_EVENT:
                    aliases += 1
                    if aliases > maxAliases {
                        return .error(at: at, "the YAML uses more than \(maxAliases) aliases ('*name')",
                                      hint: "write the values out; a block has no need for many aliases")
                    }
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}

extension ExperimentSpec {
    /// Longest id: it names the block's data file `ID.json`, which must fit NAME_MAX (255 bytes) with room to spare.
    public static let maxIDLength = 100
}
