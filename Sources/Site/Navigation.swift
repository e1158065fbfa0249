// The sidebar every page carries (the book's chapters, the current one open on its sections) and the words
// of the page chrome in the page's language.
import LabbookCore
import Render

enum Navigation {
    /// Plain HTML, so it works with JavaScript off; on narrow screens the script only adds the collapse.
    /// `current` is the index of the page's chapter, nil on the index page.
    static func sidebar(_ chapters: [RenderedChapter], current: Int?, strings: ChromeStrings) -> String {
        var html = "<nav class=\"sidebar\" id=\"sidebar\" aria-label=\"\(Escape.html(strings.contents))\">\n"
        html += "<p class=\"sidebar-heading\">\(Escape.html(strings.contents))</p>\n<ol class=\"sidebar-chapters\">\n"
        for (i, ch) in chapters.enumerated() {
            let title = SiteWriter.stripAnchors(ch.titleHTML)
            if i == current {
                html += "<li class=\"current\"><a href=\"\(Escape.html(ch.slug)).html\" aria-current=\"page\">\(title)</a>"
                let top = ch.sections.filter { $0.level == 2 }
                if !top.isEmpty {
                    html += "\n<ol class=\"sidebar-sections\">\n"
                    for s in top { html += "<li><a href=\"#\(Escape.html(s.id))\">\(SiteWriter.stripAnchors(s.titleHTML))</a></li>\n" }
                    html += "</ol>\n"
                }
                html += "</li>\n"
            } else {
                html += "<li><a href=\"\(Escape.html(ch.slug)).html\">\(title)</a></li>\n"
            }
        }
        return html + "</ol>\n</nav>"
    }

    /// The chrome's words for the template (`{{strings.next}}`) and, as JSON, for the script.
    static func strings(_ s: ChromeStrings) -> [String: String] {
        ["contents": s.contents, "previous": s.previous, "next": s.next, "search": s.search,
         "searchPlaceholder": s.searchPlaceholder, "noResults": s.noResults, "copy": s.copy, "copied": s.copied, "menu": s.menu]
    }

    static func json(_ d: [String: String]) -> String {
        "{" + d.keys.sorted().map { "\(SearchIndex.quote($0)):\(SearchIndex.quote(d[$0] ?? ""))" }.joined(separator: ",") + "}"
    }
}
