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
                if ["h1", "h2", "h3"].contains(name), let idRange = tag.firstRange(of: " id=\"") {
                    let id = tag[idRange.upperBound...].prefix { $0 != "\"" }
                    guard let close = rest.firstRange(of: "</\(name)>") else { continue }
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
                // `firstRange(of:)`, not Foundation's `range(of:)`: on a Substring that copies the rest of the page into
                // an NSString per call, which made 40,000 formulas or tables take a minute (issue 15 item 9).
                if skip, !tag.hasSuffix("/>"), let close = rest.firstRange(of: "</\(name)>") {
                    rest = rest[close.upperBound...]
                    continue
                }
                // Block elements separate words; inline ones (links, emphasis, code) sit inside a sentence.
                let closed = String(tag.dropFirst(2).prefix { $0.isLetter || $0.isNumber }).lowercased()
                if !Self.inline.contains(tag.hasPrefix("</") ? closed : name) { text += " " }
            }
            text += rest
            flush()
        }
        return docs
    }

    static let inline: Set<String> = ["a", "em", "strong", "code", "span", "sup", "sub", "i", "b", "mark", "abbr", "kbd",
                                      "small", "s", "q", "cite", "var", "samp", "time", "u", "wbr"]

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

    /// The index as a script. Sized to stay well under the pages: each section's text is stored once, as a
    /// stream of ids into a vocabulary of pieces (a word with the spaces and punctuation after it, or one CJK
    /// character), most frequent first, so a common word costs one character; each term's postings are its
    /// documents as gaps. Ids and gaps are base-45 numbers written in 90 printable ASCII characters that need
    /// no escaping. Keys are sorted, so the same pages give the same bytes.
    ///
    /// `window.LABBOOK_SEARCH = {v: 1, chapters: [[href, title]…], docs: [[chapter, anchor, section, stream]…],
    ///  vocab: [piece…], terms: {term: gaps}}`
    public static func script(_ docs: [Document]) -> String {
        var chapters: [(href: String, title: String)] = []
        var chapterIndex: [String: Int] = [:]
        var pieceLists: [[String]] = []
        var frequency: [String: Int] = [:]
        var postings: [String: [Int]] = [:]
        for (i, d) in docs.enumerated() {
            let page = String(d.href.prefix { $0 != "#" })
            if chapterIndex[page] == nil { chapterIndex[page] = chapters.count; chapters.append((page, d.chapter)) }
            let p = pieces(d.text)
            pieceLists.append(p)
            for x in p { frequency[x, default: 0] += 1 }
            for t in Set(terms(d.section + " " + d.text)) { postings[t, default: []].append(i) }
        }
        let vocab = frequency.keys.sorted { (frequency[$0] ?? 0, $1) > (frequency[$1] ?? 0, $0) }
        var id: [String: Int] = [:]
        for (k, v) in vocab.enumerated() { id[v] = k }

        var js = "window.LABBOOK_SEARCH={\"v\":1,\n\"chapters\":["
        js += chapters.map { "[\(quote($0.href)),\(quote($0.title))]" }.joined(separator: ",")
        js += "],\n\"docs\":["
        js += zip(docs, pieceLists).map { d, p in
            let anchor = d.href.firstIndex(of: "#").map { String(d.href[d.href.index(after: $0)...]) } ?? ""
            let stream = p.map { encode(id[$0] ?? 0) }.joined()
            return "[\(chapterIndex[String(d.href.prefix { $0 != "#" })] ?? 0),\(quote(anchor)),\(quote(d.section)),\(quote(stream))]"
        }.joined(separator: ",\n")
        js += "],\n\"vocab\":[" + vocab.map(quote).joined(separator: ",") + "],\n\"terms\":{"
        js += postings.keys.sorted().map { k in
            var last = -1
            let gaps = postings[k, default: []].sorted().map { d -> String in defer { last = d }; return encode(d - last - 1) }.joined()
            return "\(quote(k)):\(quote(gaps))"
        }.joined(separator: ",")
        js += "}};\n"
        return js
    }

    /// The text as pieces that concatenate back to it: a word (or one CJK character) with what follows it up
    /// to the next word; leading spaces or punctuation form a piece of their own.
    public static func pieces(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inWord = false
        for ch in text {
            let cjk = isCJK(ch)
            let letter = !cjk && (ch.isLetter || ch.isNumber)
            if cjk || (letter && !inWord) {
                if !current.isEmpty { out.append(current) }
                current = String(ch)
                inWord = letter
            } else {
                current.append(ch)
                if !letter { inWord = false }
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// 90 printable ASCII characters that JSON and HTML leave alone: '#'…'~' without '\\' and '<'.
    static let alphabet: [Character] = (0x23...0x7E).compactMap { v in
        v == 0x5C || v == 0x3C ? nil : Character(Unicode.Scalar(UInt8(v)))
    }

    /// Base-45 digits, most significant first; all but the last drawn from the alphabet's second half.
    public static func encode(_ value: Int) -> String {
        var v = max(0, value)
        var digits = [v % 45]
        v /= 45
        while v > 0 { digits.append(v % 45); v /= 45 }
        var s = ""
        for (k, d) in digits.reversed().enumerated() { s.append(alphabet[k == digits.count - 1 ? d : 45 + d]) }
        return s
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
