// XML escaping, deterministic number output and a tiny element builder for SVG and HTML fragments.
import LabbookCore

/// Escaping for text and attribute values in XML and HTML: everything an author writes goes through here.
public enum XML {
    /// Replaces `& < > " '` by entities, so a label `<script>` is shown as text and never becomes markup.
    public static func escape(_ s: String) -> String { Escape.html(s) }

    /// An id made only of `[A-Za-z0-9_-]`, so author ids cannot break out of an attribute or collide oddly.
    static func idSafe(_ s: String) -> String {
        let mapped = s.unicodeScalars.map { c -> Character in
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
            return ok ? Character(c) : "-"
        }
        return mapped.isEmpty ? "chart" : String(mapped)
    }
}

/// A coordinate rounded to 2 decimals and printed without locale or trailing zeros: "12.5", "-3", "0".
func num(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    return NumberFormat.compact((x * 100).rounded() / 100, significant: 12)
}

/// Rough width of `text` at `fontSize` user units; only used for margins and label thinning,
/// so it errs on the wide side (0.6 em per character fits digits and most Latin text).
func textWidth(_ text: String, fontSize: Double) -> Double {
    Double(text.unicodeScalars.count) * 0.6 * fontSize
}

/// `text` shortened with an ellipsis so its estimated width fits `width`.
func truncate(_ text: String, toWidth width: Double, fontSize: Double) -> String {
    let maxChars = Int(width / (0.6 * fontSize))
    let scalars = Array(text.unicodeScalars)
    if scalars.count <= maxChars { return text }
    if maxChars <= 1 { return "…" }
    var s = String.UnicodeScalarView()
    s.append(contentsOf: scalars.prefix(maxChars - 1))
    return String(s) + "…"
}

/// `text` broken at spaces into lines whose estimated width fits `width` (a word longer than a line stays whole
/// on its own line, truncated), for titles that must not run past the panel.
func wrap(_ text: String, toWidth width: Double, fontSize: Double) -> [String] {
    var lines: [String] = [], line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
        let candidate = line.isEmpty ? word : line + " " + word
        if textWidth(candidate, fontSize: fontSize) <= width || line.isEmpty {
            line = candidate
        } else {
            lines.append(line)
            line = word
        }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines.map { truncate($0, toWidth: width, fontSize: fontSize) }
}

/// Appends elements one per line; attributes keep the order given, so output is byte-for-byte stable.
struct SVGWriter {
    private(set) var out = ""

    static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(XML.escape($0.1))\"" }.joined()
    }

    mutating func open(_ name: String, _ attrs: [(String, String)] = []) {
        out += "<\(name)\(Self.attributes(attrs))>\n"
    }

    mutating func close(_ name: String) {
        out += "</\(name)>\n"
    }

    /// An empty element such as `<line .../>`.
    mutating func empty(_ name: String, _ attrs: [(String, String)]) {
        out += "<\(name)\(Self.attributes(attrs))/>\n"
    }

    /// An element holding escaped text.
    mutating func text(_ name: String, _ attrs: [(String, String)], _ content: String) {
        out += "<\(name)\(Self.attributes(attrs))>\(XML.escape(content))</\(name)>\n"
    }

    /// Markup produced by another writer (already escaped).
    mutating func raw(_ markup: String) {
        out += markup
    }
}
