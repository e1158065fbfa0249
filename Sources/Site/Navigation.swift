// The sidebar every page carries (the book's chapters, the current one open on its sections) and the words
// of the page chrome in the page's language.
import LabbookCore
import Render

enum Navigation {
    /// Plain HTML, so it works with JavaScript off; on narrow screens the script only adds the collapse.
    /// `current` is the index of the page's chapter, nil on the index page.
    static func sidebar(_ chapters: [RenderedChapter], current: Int?, strings: ChromeStrings) -> String {
        Markup.build { w in
            w.element("nav", [("class", "sidebar"), ("id", "sidebar"), ("aria-label", strings.contents)], breaks: .inside) { w in
                w.element("p", [("class", "sidebar-heading")], text: strings.contents, breaks: .after)
                w.element("ol", [("class", "sidebar-chapters")], breaks: .around) { w in
                    for (i, ch) in chapters.enumerated() {
                        w.element("li", i == current ? [("class", "current")] : [], breaks: .after) { w in
                            let here: Attributes = i == current ? [("aria-current", "page")] : []
                            SiteWriter.link(&w, href: "\(ch.slug).html", titleHTML: SiteWriter.stripAnchors(ch.titleHTML), here)
                            let top = ch.sections.filter { $0.level == 2 }
                            guard i == current, !top.isEmpty else { return }
                            w.newline()
                            w.element("ol", [("class", "sidebar-sections")], breaks: .around) { w in
                                for s in top {
                                    w.element("li", breaks: .after) { w in
                                        SiteWriter.link(&w, href: "#\(s.id)", titleHTML: SiteWriter.stripAnchors(s.titleHTML))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }.string
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
