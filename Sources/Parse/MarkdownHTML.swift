// CommonMark → HTML through cmark, for prose that Render has already prepared (math and blocks protected).
import CCmark
#if canImport(Glibc)
import Glibc
#endif

public enum MarkdownHTML {
    /// Renders CommonMark. `rawHTML` true passes author HTML through as CommonMark says;
    /// false replaces it with a comment (for untrusted books). Smart punctuation is on.
    public static func render(_ markdown: String, rawHTML: Bool = true) -> String {
        var options = CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8
        options |= rawHTML ? CMARK_OPT_UNSAFE : CMARK_OPT_SAFE
        return ChapterParser.withDocument(markdown, options: options) { doc in
            guard let html = cmark_render_html(doc, options) else { return "" }
            defer { free(html) }
            return String(cString: html)
        }
    }
}
