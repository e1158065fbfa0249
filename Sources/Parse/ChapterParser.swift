// Splits a chapter into front matter, Markdown runs and experiment blocks, using cmark for the structure.
import CCmark
#if canImport(Glibc)
import Glibc
#endif
import LabbookCore
import Synchronization

public enum ChapterParser {
    /// The info-string word that marks an experiment block.
    public static let blockInfo = "experiment"

    public static func parse(source: String, file: String) -> Chapter {
        let lines = splitLines(source)
        var diagnostics: [Diagnostic] = []

        // Front matter: `---` on the very first line, closed by `---` or `...` on a line of its own.
        var frontMatter: FrontMatter?
        var bodyStart = 0
        if let first = lines.first, first.trimmingTrailingSpaces() == "---" {
            if let close = lines.indices.dropFirst().first(where: {
                let l = lines[$0].trimmingTrailingSpaces()
                return l == "---" || l == "..."
            }) {
                frontMatter = FrontMatter(yaml: lines[1..<close].joined(separator: "\n"),
                                          location: SourceLocation(file: file, line: 2, column: 1))
                bodyStart = close + 1
            } else {
                diagnostics.append(.error(at: SourceLocation(file: file, line: 1, column: 1),
                                          "front matter opened with '---' is never closed",
                                          hint: "add a line '---' after the front matter"))
                bodyStart = lines.count
            }
        }
        let body = lines[bodyStart...].joined(separator: "\n")
        let lineOffset = bodyStart   // body line 1 is file line bodyStart + 1

        var nodes: [ChapterNode] = []
        var headings: [Heading] = []
        var blockRanges: [(start: Int, end: Int, yaml: String)] = []   // body line numbers, 1-based

        withDocument(body, options: CMARK_OPT_DEFAULT) { doc in
            var child = cmark_node_first_child(doc)
            while let node = child {
                let type = cmark_node_get_type(node)
                if type == CMARK_NODE_CODE_BLOCK, isExperiment(node) {
                    let start = Int(cmark_node_get_start_line(node))
                    var end = Int(cmark_node_get_end_line(node))
                    // An unclosed fence runs to the end of the document.
                    if end < start { end = start }
                    blockRanges.append((start, end, literal(node)))
                } else if type == CMARK_NODE_HEADING {
                    headings.append(Heading(level: Int(cmark_node_get_heading_level(node)), text: plainText(node),
                                            location: SourceLocation(file: file,
                                                                     line: Int(cmark_node_get_start_line(node)) + lineOffset)))
                } else {
                    // Experiment blocks nested in lists or quotes are not run; say so instead of dropping them silently.
                    forEachDescendant(node) { inner in
                        if cmark_node_get_type(inner) == CMARK_NODE_CODE_BLOCK, isExperiment(inner) {
                            diagnostics.append(.warning(
                                at: SourceLocation(file: file, line: Int(cmark_node_get_start_line(inner)) + lineOffset),
                                "experiment block inside a list or quote is shown as code and not run",
                                hint: "move the block to the top level of the chapter"))
                        }
                    }
                }
                child = cmark_node_next(node)
            }
        }

        // Markdown runs are the body lines outside the experiment blocks.
        let bodyLines = Array(lines[bodyStart...])
        var cursor = 1
        func flushMarkdown(upTo endExclusive: Int) {
            guard endExclusive > cursor else { return }
            let text = bodyLines[(cursor - 1)..<(endExclusive - 1)].joined(separator: "\n")
            if !text.allSatisfy(\.isWhitespace) {
                nodes.append(.markdown(text, SourceLocation(file: file, line: cursor + lineOffset)))
            }
        }
        for block in blockRanges {
            // cmark lets an unclosed fence run to the end of the chapter, swallowing the prose after it.
            if !isClosingFence(bodyLines, opening: block.start, closing: block.end) {
                diagnostics.append(.error(at: SourceLocation(file: file, line: block.start + lineOffset),
                                          "the experiment block's fence is never closed",
                                          hint: "end the block with a line of ``` (the rest of the chapter was read as YAML)"))
            }
            flushMarkdown(upTo: block.start)
            nodes.append(.experiment(yaml: block.yaml, at: SourceLocation(file: file, line: block.start + lineOffset)))
            cursor = block.end + 1
        }
        flushMarkdown(upTo: bodyLines.count + 1)

        return Chapter(file: file, frontMatter: frontMatter, nodes: nodes, headings: headings, diagnostics: diagnostics)
    }

    /// Whether body line `closing` (1-based) closes the fence opened at `opening`: the same character, at least as long.
    static func isClosingFence(_ lines: [String], opening: Int, closing: Int) -> Bool {
        guard closing > opening, closing <= lines.count, opening >= 1 else { return false }
        func fence(_ line: String) -> (Character, Int)? {
            let trimmed = line.drop { $0 == " " }
            guard let c = trimmed.first, c == "`" || c == "~" else { return nil }
            let n = trimmed.prefix { $0 == c }.count
            return n >= 3 ? (c, n) : nil
        }
        guard let open = fence(lines[opening - 1]), let close = fence(lines[closing - 1]) else { return false }
        let rest = lines[closing - 1].drop { $0 == " " }.dropFirst(close.1)
        return open.0 == close.0 && close.1 >= open.1 && rest.allSatisfy { $0 == " " || $0 == "\t" }
    }

    // MARK: - cmark helpers (pointers never leave this file)

    /// cmark 0.30 hangs when documents are parsed on several threads at once (seen in the parallel test
    /// run), so every use of it goes through this lock. Parsing is a small part of a build.
    static let cmarkLock = Mutex(())

    static func withDocument<T>(_ text: String, options: Int32, _ body: (OpaquePointer) -> T) -> T {
        cmarkLock.withLock { _ in
            // The UTF-8 length, not strlen: a NUL byte must not hide the rest of the chapter (cmark turns it into U+FFFD).
            var text = text
            let doc: OpaquePointer = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars -> OpaquePointer in
                    if let base = chars.baseAddress { return cmark_parse_document(base, chars.count, options) }
                    return cmark_parse_document("", 0, options)
                }
            }
            defer { cmark_node_free(doc) }
            return body(doc)
        }
    }

    static func isExperiment(_ node: OpaquePointer) -> Bool {
        guard let info = cmark_node_get_fence_info(node) else { return false }
        let word = String(cString: info).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" }).first
        return word.map(String.init) == blockInfo
    }

    static func literal(_ node: OpaquePointer) -> String {
        guard let lit = cmark_node_get_literal(node) else { return "" }
        var s = String(cString: lit)
        if s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        forEachDescendant(node) { inner in
            let t = cmark_node_get_type(inner)
            if t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE, let lit = cmark_node_get_literal(inner) {
                out += String(cString: lit)
            } else if t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK {
                out += " "
            }
        }
        return out
    }

    static func forEachDescendant(_ root: OpaquePointer, _ body: (OpaquePointer) -> Void) {
        guard let iter = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iter) }
        while true {
            let ev = cmark_iter_next(iter)
            if ev == CMARK_EVENT_DONE { break }
            if ev == CMARK_EVENT_ENTER, let n = cmark_iter_get_node(iter), n != root { body(n) }
        }
    }

    /// Lines without their terminators; accepts \n, \r\n and \r.
    static func splitLines(_ s: String) -> [String] {
        var lines = s.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

extension String {
    func trimmingTrailingSpaces() -> Substring {
        var s = self[...]
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }

    func replacingCRLF() -> String {
        guard contains("\r") else { return self }
        var out = ""
        out.reserveCapacity(utf8.count)
        var previousCR = false
        for ch in unicodeScalars {
            if ch == "\r" { out.unicodeScalars.append("\n"); previousCR = true; continue }
            if ch == "\n", previousCR { previousCR = false; continue }
            previousCR = false
            out.unicodeScalars.append(ch)
        }
        return out
    }
}
