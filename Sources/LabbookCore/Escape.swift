// Escaping author text for HTML and XML: everything from a book reaches markup only through here.

public enum Escape {
    /// Escapes & < > " ' so the text is safe in element content and in quoted attributes, in HTML and in SVG.
    public static func html(_ s: String) -> String {
        var out = ""
        append(s, to: &out)
        return out
    }

    /// `html(s)` appended to `out`. Text and attribute values share it: escaping all five characters
    /// makes one routine right in both places, and the pages' bytes do not depend on which one it was.
    public static func append(_ s: String, to out: inout String) {
        // Most strings (numbers, class names, ids) need nothing: one scan, one append.
        if !s.utf8.contains(where: needsEscape) {
            out += s
            return
        }
        out.reserveCapacity(out.utf8.count + s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline are not allowed in XML 1.0 (inline SVG).
                if ch.value < 0x20 && ch != "\t" && ch != "\n" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
    }

    private static func needsEscape(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        case UInt8(ascii: "\t"), UInt8(ascii: "\n"): false
        default: b < 0x20
        }
    }
}
