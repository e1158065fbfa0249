// The offline search index: every section's text and an inverted index of its terms (words, and character
// bigrams for CJK), written as a script the pages load, so search works from file:// where fetch is blocked.
import Foundation
import LabbookCore
import Render

public enum SearchIndex {
    public struct Document: Sendable, Hashable {
        /// `02-b.html#section-id`
        public var href: String
        public var chapter: String
        public var section: String
        public var text: String
    }

    /// One document per heading (h1–h3) of every chapter, its text up to the next such heading.
    public static func documents(_ chapters: [RenderedChapter]) -> [Document] {
        var docs: [Document] = []
        for ch in chapters {
            var current = (id: "", title: ch.title)
            var text = ""
            func flush() {
                let t = collapse(text)
                if !t.isEmpty || !current.id.isEmpty {
                    docs.append(Document(href: "\(ch.slug).html" + (current.id.isEmpty ? "" : "#\(current.id)"),
                                         chapter: ch.title, section: current.title, text: t))
                }
                text = ""
            }
            var rest = ch.html[...]
            while let lt = rest.firstIndex(of: "<") {
                text += rest[..<lt]
                guard let gt = rest[lt...].firstIndex(of: ">") else { break }
                let tag = rest[lt...gt]
                let name = String(tag.dropFirst().prefix { $0.isLetter || $0.isNumber }).lowercased()
                rest = rest[rest.index(after: gt)...]
                if ["h1", "h2", "h3"].contains(name), let idRange = tag.range(of: " id=\"") {
                    let id = tag[idRange.upperBound...].prefix { $0 != "\"" }
                    guard let close = rest.range(of: "</\(name)>") else { continue }
                    flush()
                    let title = ChapterRenderer.plainText(ofHTML: String(rest[..<close.lowerBound]))
                    current = (ChapterRenderer.decodeEntitiesPublic(String(id)), title.hasSuffix("#") ? String(title.dropLast()) : title)
                    rest = rest[close.upperBound...]
                    continue
                }
                // Not searchable: chart drawings, TeX, the block's YAML, legends, scripts.
                let skip = ["svg", "script", "style"].contains(name)
                    || (name == "span" || name == "div") && tag.contains("class=\"math")
                    || name == "details" && tag.contains("class=\"echo\"")
                    || name == "ul" && tag.contains("class=\"chart-legend\"")
                    || name == "p" && tag.contains("class=\"figure-data\"")
                    || name == "a" && tag.contains("class=\"anchor\"")
                if skip, !tag.hasSuffix("/>"), let close = rest.range(of: "</\(name)>") {
                    rest = rest[close.upperBound...]
                    continue
                }
                text += " "
            }
            text += rest
            flush()
        }
        return docs
    }

    static func collapse(_ s: String) -> String {
        let decoded = ChapterRenderer.decodeEntitiesPublic(s)
        return decoded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Words of letters and digits, lower-cased; CJK runs become overlapping character bigrams
    /// (a single CJK character stays a term of its own). The page script tokenises queries the same way.
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        var word = ""
        var cjk: [Character] = []
        func flushWord() { if !word.isEmpty { out.append(word); word = "" } }
        func flushCJK() {
            if cjk.count == 1 { out.append(String(cjk[0])) }
            if cjk.count > 1 { for i in 0..<(cjk.count - 1) { out.append(String(cjk[i...i + 1])) } }
            cjk = []
        }
        for ch in text.lowercased() {
            if isCJK(ch) {
                flushWord()
                cjk.append(ch)
            } else if ch.isLetter || ch.isNumber {
                flushCJK()
                word.append(ch)
            } else {
                flushWord()
                flushCJK()
            }
        }
        flushWord()
        flushCJK()
        return out
    }

    static func isCJK(_ ch: Character) -> Bool {
        guard let v = ch.unicodeScalars.first?.value else { return false }
        return (0x3040...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xAC00...0xD7AF).contains(v) || (0x20000...0x2FA1F).contains(v)
    }

    /// `window.LABBOOK_SEARCH = {docs: [[href, chapter, section, text]…], terms: {term: [doc…]}}`, keys sorted,
    /// so the same pages give the same bytes.
    public static func script(_ docs: [Document]) -> String {
        var postings: [String: [Int]] = [:]
        for (i, d) in docs.enumerated() {
            for t in Set(terms(d.section + " " + d.text)) { postings[t, default: []].append(i) }
        }
        var js = "window.LABBOOK_SEARCH={\"docs\":["
        js += docs.map { "[\(quote($0.href)),\(quote($0.chapter)),\(quote($0.section)),\(quote($0.text))]" }.joined(separator: ",\n")
        js += "],\n\"terms\":{"
        js += postings.keys.sorted().map { k in
            "\(quote(k)):[\(postings[k, default: []].sorted().map(String.init).joined(separator: ","))]"
        }.joined(separator: ",")
        js += "}};\n"
        return js
    }

    /// A JSON string literal, safe inside a <script> file (no "</script>", no line separators).
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "<": out += "\\u003c"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
