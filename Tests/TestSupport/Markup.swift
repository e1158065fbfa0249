// Markup checks for tests: every SVG island parsed as XML (libxml2 through FoundationXML); pages are HTML5Check's.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

public enum MarkupCheck {
    /// The `<svg …>…</svg>` islands of an HTML page or fragment, outermost only.
    public static func svgIslands(_ html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<svg") {
            guard let close = rest[open.upperBound...].range(of: "</svg>") else {
                out.append(String(rest[open.lowerBound...]))   // unclosed: the parser reports it
                break
            }
            out.append(String(rest[open.lowerBound..<close.upperBound]))
            rest = rest[close.upperBound...]
        }
        return out
    }

    /// nil when `xml` is a well-formed XML document; otherwise the parser's complaint with its line.
    public static func xmlProblem(_ xml: String) -> String? {
        let parser = XMLParser(data: Data(xml.utf8))
        let delegate = ErrorCollector()
        parser.delegate = delegate
        // swift-corelibs' parse() answers true even after an error, so the error itself is what counts;
        // it also accepts a document cut short, which the tag walk below (with XML's rules) catches.
        _ = parser.parse()
        if let m = delegate.message ?? parser.parserError.map({ "\($0)" }) { return "line \(parser.lineNumber): libxml2: \(m)" }
        return tagProblem(xml)
    }

    /// Every SVG island of `html` parsed as XML; one message per malformed island.
    public static func svgProblems(_ html: String) -> [String] {
        svgIslands(html).enumerated().compactMap { i, svg in
            xmlProblem(svg).map { "svg #\(i + 1): \($0)" }
        }
    }

    /// The tag walk with XML's rules (every element closed or self-closed), behind libxml2, which
    /// accepts a document cut short. Pages are checked as HTML5 by `HTML5Check`.
    static func tagProblem(_ html: String) -> String? {
        let s = Array(html.utf8)
        var i = 0
        var stack: [(String, Int)] = []
        var line = 1
        while i < s.count {
            if s[i] == 10 { line += 1; i += 1; continue }
            guard s[i] == UInt8(ascii: "<") else { i += 1; continue }
            if starts(s, i, "<!--") {
                guard let end = find(s, "-->", from: i + 4) else { return "line \(line): comment never closed" }
                line += s[i..<end].filter { $0 == 10 }.count
                i = end + 3
                continue
            }
            if starts(s, i, "<!") || starts(s, i, "<?") {
                guard let end = find(s, ">", from: i) else { return "line \(line): <! never closed" }
                i = end + 1
                continue
            }
            let closing = i + 1 < s.count && s[i + 1] == UInt8(ascii: "/")
            var j = i + (closing ? 2 : 1)
            let nameStart = j
            while j < s.count, isNameByte(s[j]) { j += 1 }
            let name = String(decoding: s[nameStart..<j], as: UTF8.self).lowercased()
            guard !name.isEmpty else { return "line \(line): a bare '<' in text (write &lt;)" }
            // Attributes: skip to '>' outside quotes.
            var quote: UInt8? = nil
            let tagLine = line
            while j < s.count {
                let c = s[j]
                if c == 10 { line += 1 }
                if let q = quote { if c == q { quote = nil } } else if c == 34 || c == 39 { quote = c } else if c == UInt8(ascii: ">") { break } else if c == UInt8(ascii: "<") {
                    return "line \(line): '<' inside the <\(name)> tag"
                }
                j += 1
            }
            guard j < s.count else { return "line \(tagLine): <\(name)> tag never ends" }
            let selfClosing = s[j - 1] == UInt8(ascii: "/")
            i = j + 1
            if closing {
                guard let top = stack.last else { return "line \(tagLine): </\(name)> closes nothing" }
                guard top.0 == name else { return "line \(tagLine): </\(name)> closes <\(top.0)> opened on line \(top.1)" }
                stack.removeLast()
            } else if !selfClosing {
                stack.append((name, tagLine))
            }
        }
        if let top = stack.last { return "<\(top.0)> opened on line \(top.1) is never closed" }
        return nil
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 58 || c == 95
    }

    static func starts(_ s: [UInt8], _ i: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return i + p.count <= s.count && Array(s[i..<(i + p.count)]) == p
    }

    static func find(_ s: [UInt8], _ needle: String, from: Int) -> Int? {
        let n = Array(needle.utf8)
        guard n.count <= s.count else { return nil }
        var k = from
        while k + n.count <= s.count {
            if s[k] == n[0], Array(s[k..<(k + n.count)]) == n { return k }
            k += 1
        }
        return nil
    }
}

private final class ErrorCollector: NSObject, XMLParserDelegate {
    var message: String?
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if message == nil { message = "\(parseError)" }
    }
}
