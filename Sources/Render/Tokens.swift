// Placeholder tokens (`STEM<n>Z`) that keep math, tables and figures away from cmark, chosen and put back in
// one pass each: growing a stem and searching again, or one `replacingOccurrences` over the page per token,
// made a chapter of 10,000 formulas take 87 s.
enum Tokens {
    /// `base` followed by one more `X` than the longest run of X after any occurrence of `base` in `text`,
    /// so `STEM<digits>Z` cannot occur in the text.
    static func stem(avoiding text: String, base: String) -> String {
        let bytes = Array(text.utf8), b = Array(base.utf8)
        let x = UInt8(ascii: "X")
        var longest = -1
        var i = 0
        while i + b.count <= bytes.count {
            if bytes[i] == b[0], bytes[i..<(i + b.count)].elementsEqual(b) {
                var j = i + b.count
                while j < bytes.count, bytes[j] == x { j += 1 }
                longest = max(longest, j - i - b.count)
                i = j
            } else {
                i += 1
            }
        }
        return base + String(repeating: "X", count: longest + 1)
    }

    /// The token `STEM<n>Z` at `i` in `src`, where `stem` is every byte before the digits: its `n` when
    /// below `count` (at most 10 digits), and where it ends (just after the `Z`).
    static func match(_ src: [UInt8], at i: Int, stem: [UInt8], count: Int) -> (n: Int, end: Int)? {
        guard src[i] == stem[0], i + stem.count < src.count, src[i..<(i + stem.count)].elementsEqual(stem) else { return nil }
        var j = i + stem.count, n = 0, digits = 0
        while j < src.count, digits < 10, (48...57).contains(src[j]) { n = n * 10 + Int(src[j] - 48); j += 1; digits += 1 }
        guard digits > 0, j < src.count, src[j] == UInt8(ascii: "Z"), n < count else { return nil }
        return (n, j + 1)
    }

    /// Replaces every `STEM<n>Z` (n below `count`) in `html`. `replace(n, alone)` gets whether the token is
    /// the whole of a `<p>…</p>` and returns the replacement, and whether it replaces that paragraph too;
    /// nil leaves the token as it is.
    static func splice(_ html: String, stem: String, count: Int, _ replace: (Int, Bool) -> (text: String, wholeParagraph: Bool)?) -> String {
        guard count > 0 else { return html }
        let src = Array(html.utf8), s = Array(stem.utf8)
        let open = Array("<p>".utf8), close = Array("</p>".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(src.count)
        var i = 0
        while i < src.count {
            guard let (n, end) = match(src, at: i, stem: s, count: count) else {
                out.append(src[i]); i += 1; continue
            }
            var j = end
            let alone = out.count >= open.count && out.suffix(open.count).elementsEqual(open)
                && j + close.count <= src.count && src[j..<(j + close.count)].elementsEqual(close)
            guard let r = replace(n, alone) else {
                out += src[i..<j]; i = j; continue
            }
            if alone && r.wholeParagraph {
                out.removeLast(open.count)
                j += close.count
            }
            out += Array(r.text.utf8)
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }
}
