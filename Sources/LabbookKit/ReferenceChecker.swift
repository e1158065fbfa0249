// `labbook check` for inline results: every `{=…}` names an existing block, variant and quantity; runs nothing.
import Blocks
import Foundation
import LabbookCore
import Parse
import Render

enum ReferenceChecker {
    static func check(_ book: LoadedBook) -> [Diagnostic] {
        var blocks: [String: ExperimentSpec] = [:]
        for ch in book.chapters {
            for b in ch.blocks { if let s = b.spec { blocks["\(ch.slug)/\(s.id)"] = s } }
        }
        let known = ResultReference.quantities.map(\.name)
        var out: [Diagnostic] = []
        for ch in book.chapters {
            for node in ch.chapter.nodes {
                guard case .markdown(let text, let start) = node else { continue }
                for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    var rest = line[...]
                    while let open = rest.range(of: "`{="), let close = rest[open.upperBound...].range(of: "}`") {
                        let body = String(rest[open.upperBound..<close.lowerBound])
                        let at = SourceLocation(file: ch.file, line: start.line + i,
                                                column: line.distance(from: line.startIndex, to: open.lowerBound) + 2)
                        rest = rest[close.upperBound...]
                        guard let ref = ResultReference.parse(body) else {
                            out.append(.error(at: at, "malformed inline result '{=\(body)}'",
                                              hint: "write {=BLOCK.QUANTITY}, {=BLOCK[VARIANT].QUANTITY} or {=CHAPTER/BLOCK.QUANTITY:ARG}"))
                            continue
                        }
                        let key = "\(ref.chapter ?? ch.slug)/\(ref.block)"
                        guard let spec = blocks[key] else {
                            let ids = blocks.keys.filter { $0.hasPrefix("\(ref.chapter ?? ch.slug)/") }
                                .map { String($0.split(separator: "/").last ?? "") }.sorted()
                            out.append(.error(at: at, "inline result '{=\(body)}': no valid block '\(ref.block)' in \(ref.chapter ?? "this chapter")",
                                              hint: suggestion(for: ref.block, in: ids)))
                            continue
                        }
                        let labels = spec.variants.map(\.label)
                        if let v = ref.variant, !labels.contains(v) {
                            out.append(.error(at: at, "inline result '{=\(body)}': block '\(ref.block)' has no variant '\(v)'",
                                              hint: suggestion(for: v, in: labels)))
                        } else if ref.variant == nil, labels.count > 1 {
                            out.append(.error(at: at, "inline result '{=\(body)}': block '\(ref.block)' has \(labels.count) variants; name one",
                                              hint: "write \(ref.block)[\(labels[0])].\(ref.quantity)"))
                        }
                        if !known.contains(ref.quantity) {
                            out.append(.error(at: at, "inline result '{=\(body)}': unknown quantity '\(ref.quantity)'",
                                              hint: suggestion(for: ref.quantity, in: known)))
                        }
                    }
                }
            }
        }
        return out
    }
}
