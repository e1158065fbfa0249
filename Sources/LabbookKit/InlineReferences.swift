// Inline results (`{=…}`) in the chapters' prose: found in one place, checked by `labbook check` (every one names
// an existing block, variant and quantity; runs nothing), and read by the render stage for the samples they quote.
import Blocks
import Foundation
import LabbookCore
import Parse
import Render

enum InlineReferences {
    /// The block ids of `chapter` among keys "chapter/id", sorted: the did-you-mean list of a missing block.
    static func blockIDs(among keys: some Collection<String>, chapter: String) -> [String] {
        keys.filter { $0.hasPrefix("\(chapter)/") }.map { String($0.split(separator: "/").last ?? "") }.sorted()
    }

    struct Found {
        var chapter: LoadedChapter
        var location: SourceLocation
        var body: String
        /// nil when the text is not a reference at all.
        var reference: ResultReference?
        /// "chapter/block" of the block it names.
        var blockKey: String? { reference.map { "\($0.chapter ?? chapter.slug)/\($0.block)" } }
    }

    /// Every `{=…}` code span of the book's prose, in order.
    static func all(_ book: LoadedBook) -> [Found] {
        var out: [Found] = []
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
                        out.append(Found(chapter: ch, location: at, body: body, reference: ResultReference.parse(body)))
                    }
                }
            }
        }
        return out
    }

    /// Per "chapter/block": the histogram samples the prose quotes (`SampleUse.of(_:ResultReference)`).
    static func sampleUses(_ book: LoadedBook) -> [String: [SampleUse]] {
        var uses: [String: [SampleUse]] = [:]
        for found in all(book) {
            guard let ref = found.reference, let key = found.blockKey, let use = SampleUse.of(ref) else { continue }
            uses[key, default: []].append(use)
        }
        return uses
    }
}

extension InlineReferences {
    /// What `labbook check` says of the prose's inline results: each names an existing block, variant and quantity,
    /// with arguments that fit the quantity (the rule the build's evaluation applies first).
    static func problems(_ book: LoadedBook) -> [Diagnostic] {
        var blocks: [String: ExperimentSpec] = [:]
        for ch in book.chapters {
            for b in ch.blocks { if let s = b.spec { blocks["\(ch.slug)/\(s.id)"] = s } }
        }
        let known = ResultReference.quantities.map(\.name)
        var out: [Diagnostic] = []
        for found in InlineReferences.all(book) {
            let (at, body) = (found.location, found.body)
            guard let ref = found.reference, let key = found.blockKey else {
                out.append(.error(at: at, "malformed inline result '{=\(body)}'",
                                  hint: "write {=BLOCK.QUANTITY}, {=BLOCK[VARIANT].QUANTITY} or {=CHAPTER/BLOCK.QUANTITY:ARG}"))
                continue
            }
            guard let spec = blocks[key] else {
                let ids = blockIDs(among: blocks.keys, chapter: ref.chapter ?? found.chapter.slug)
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
            } else if let e = ref.argumentProblem {
                out.append(.error(at: at, "inline result '{=\(body)}': \(e.message)", hint: e.hint))
            }
        }
        return out
    }
}
