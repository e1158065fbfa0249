// Keeps TeX away from Markdown: `$…$` and `$$…$$` become opaque tokens before cmark and come back as KaTeX spans.
//
// Rules (pandoc's tex_math_dollars): an opening `$` is not followed by a space, a closing `$` is not preceded by
// a space nor followed by a digit; `\$` is a literal dollar; nothing inside code spans or fenced code is touched;
// inline math does not cross a blank line. `$$…$$` is display math and may span lines.
import Foundation
import LabbookCore

public struct MathProtection: Sendable {
    public enum Kind: Sendable { case inline, display }
    public struct Formula: Sendable, Hashable {
        public var tex: String
        public var display: Bool
    }

    public private(set) var formulas: [Formula] = []
    /// Token stem chosen so that it cannot occur in the author's text.
    let stem: String

    public init(avoiding text: String) {
        self.stem = Tokens.stem(avoiding: text, base: "LBMATH")
    }

    func token(_ i: Int) -> String { "\(stem)\(i)Z" }

    /// Replaces math with tokens; returns the protected Markdown.
    public mutating func protect(_ markdown: String) -> String {
        let chars = Array(markdown)
        var out = ""
        out.reserveCapacity(chars.count)
        var i = 0
        var atLineStart = true
        var inFence: (char: Character, count: Int)?

        func lineEnd(from j: Int) -> Int {
            var k = j
            while k < chars.count, chars[k] != "\n" { k += 1 }
            return k
        }
        /// Copies chars[i..<end] and its newline verbatim; the next character starts a line.
        func copyLine(to end: Int) {
            out += String(chars[i..<end])
            if end < chars.count { out.append("\n") }
            i = end + 1
        }

        while i < chars.count {
            // Fenced code: copy whole lines verbatim.
            if atLineStart {
                let end = lineEnd(from: i)
                let line = chars[i..<end]
                let stripped = line.drop(while: { $0 == " " })
                let indent = line.count - stripped.count
                if indent <= 3, let f = stripped.first, f == "`" || f == "~" {
                    let run = stripped.prefix(while: { $0 == f }).count
                    if let fence = inFence {
                        if f == fence.char, run >= fence.count, stripped.dropFirst(run).allSatisfy({ $0 == " " || $0 == "\t" }) {
                            inFence = nil
                        }
                        copyLine(to: end); continue
                    } else if run >= 3, !(f == "`" && stripped.dropFirst(run).contains("`")) {
                        inFence = (f, run)
                        copyLine(to: end); continue
                    }
                }
                if inFence != nil {
                    copyLine(to: end); continue
                }
                // Indented code (4+ spaces after a blank line) is left alone as well.
                if indent >= 4, out.hasSuffix("\n\n") || out.isEmpty {
                    copyLine(to: end); continue
                }
            }
            let c = chars[i]
            atLineStart = false
            if c == "\n" {
                out.append(c); i += 1; atLineStart = true; continue
            }
            if c == "\\", i + 1 < chars.count {
                out.append(c); out.append(chars[i + 1]); i += 2; continue
            }
            if c == "`" {
                // Code span: a backtick run closed by a run of the same length.
                let run = chars[i...].prefix(while: { $0 == "`" }).count
                var j = i + run
                var closed: Int?
                while j < chars.count {
                    if chars[j] == "`" {
                        let r = chars[j...].prefix(while: { $0 == "`" }).count
                        if r == run { closed = j; break }
                        j += r
                    } else { j += 1 }
                }
                if let closed {
                    out += String(chars[i..<(closed + run)]); i = closed + run
                } else {
                    out += String(chars[i..<(i + run)]); i += run
                }
                continue
            }
            if c == "$" {
                if i + 1 < chars.count, chars[i + 1] == "$" {
                    if let close = findDisplayClose(chars, from: i + 2) {
                        let tex = String(chars[(i + 2)..<close]).trimmingCharacters(in: .whitespacesAndNewlines)
                        formulas.append(Formula(tex: tex, display: true))
                        out += token(formulas.count - 1)
                        i = close + 2
                        continue
                    }
                } else if let close = findInlineClose(chars, from: i + 1) {
                    formulas.append(Formula(tex: String(chars[(i + 1)..<close]), display: false))
                    out += token(formulas.count - 1)
                    i = close + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }

    private func findDisplayClose(_ chars: [Character], from start: Int) -> Int? {
        var j = start
        while j + 1 < chars.count {
            if chars[j] == "\\" { j += 2; continue }
            if chars[j] == "$", chars[j + 1] == "$" { return j > start ? j : nil }
            j += 1
        }
        return nil
    }

    private func findInlineClose(_ chars: [Character], from start: Int) -> Int? {
        guard start < chars.count, !chars[start].isWhitespace, chars[start] != "$" else { return nil }
        var j = start
        while j < chars.count {
            let c = chars[j]
            if c == "\\" { j += 2; continue }
            if c == "\n" {
                // A blank line ends the paragraph, so no inline formula crosses it.
                var k = j + 1
                while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
                if k >= chars.count || chars[k] == "\n" { return nil }
            }
            if c == "$" {
                let prevSpace = chars[j - 1].isWhitespace
                let nextDigit = j + 1 < chars.count && chars[j + 1].isNumber
                if !prevSpace, !nextDigit { return j }
                if !prevSpace, nextDigit { return nil }
            }
            j += 1
        }
        return nil
    }

    /// Puts the formulas back into cmark's HTML as KaTeX-ready elements; a display formula alone in a
    /// paragraph replaces the paragraph.
    public func restore(_ html: String) -> String {
        Tokens.splice(html, stem: stem, count: formulas.count) { i, alone in
            let f = formulas[i]
            // KaTeX finds the TeX by its delimiters in the page's text: \( … \) inline, \[ … \] display.
            let (name, cls, text) = f.display ? (alone ? "div" : "span", "math display", "\\[\(f.tex)\\]")
                                              : ("span", "math inline", "\\(\(f.tex)\\)")
            return (Markup.build { w in w.element(name, [("class", cls)], text: text) }.string, f.display && alone)
        }
    }
}
