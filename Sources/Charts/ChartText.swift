// Chart ids, coordinates as text, and text-width estimates; the markup itself is written by LabbookCore.Markup.
import LabbookCore

/// Names safe in XML and HTML; escaping itself is LabbookCore's `Escape`, applied by `Markup`.
public enum XML {
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
/// Coordinates are finite by construction (`Axis.position` answers nil for anything else, and a chart
/// whose ranges are not finite is `Unplottable`); should one slip through, it is written as "NaN",
/// which the chart tests look for, rather than as a plausible 0.
func num(_ x: Double) -> String {
    guard x.isFinite else { return "NaN" }
    return NumberFormat.compact((x * 100).rounded() / 100, significant: 12)
}

/// A circle of radius `r` around (x, y) as a path of two arcs: one `<path>` for all dots of a series
/// keeps the file small, where one `<circle>` each would not.
func dotPath(x: Double, y: Double, r: Double) -> String {
    "M\(num(x - r)) \(num(y))a\(num(r)) \(num(r)) 0 1 0 \(num(2 * r)) 0a\(num(r)) \(num(r)) 0 1 0 \(num(-2 * r)) 0"
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
