// The page template (swift-mustache). A book's `templates/page.mustache` replaces the built-in one.
import Mustache

public enum PageTemplate {
    /// Variables: lang, pageTitle, bookTitle, root (relative path to the site root, "" or "../"),
    /// body (content with the chapter TOC after its <h1>), content (HTML without the TOC), toc (HTML),
    /// isIndex, chapterPosition, prev/next {href, titleHTML}, katex (bool), customCSS (bool).
    public static let builtIn = #"""
<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Labbook">
<title>{{pageTitle}}</title>
<link rel="stylesheet" href="{{root}}assets/labbook.css">
{{#katex}}
<link rel="stylesheet" href="{{root}}assets/katex/katex.min.css">
<script defer src="{{root}}assets/katex/katex.min.js"></script>
<script defer src="{{root}}assets/katex/contrib/auto-render.js"></script>
<script defer src="{{root}}assets/labbook.js"></script>
{{/katex}}
{{#customCSS}}
<link rel="stylesheet" href="{{root}}assets/custom.css">
{{/customCSS}}
</head>
<body>
<header class="site-header"><div class="inner">
<a class="book-title" href="{{root}}index.html">{{bookTitle}}</a>
{{^isIndex}}<span class="chapter-count">{{chapterPosition}}</span>{{/isIndex}}
</div></header>
<main>
{{{body}}}
</main>
{{^isIndex}}
<nav class="page-nav" aria-label="Chapters">
{{#prev}}<a class="prev" rel="prev" href="{{href}}"><span class="label">Previous</span>{{{titleHTML}}}</a>{{/prev}}
{{#next}}<a class="next" rel="next" href="{{href}}"><span class="label">Next</span>{{{titleHTML}}}</a>{{/next}}
</nav>
{{/isIndex}}
</body>
</html>
"""#

    /// Typesets every `.math` element with KaTeX's auto-render, offline.
    static let script = #"""
document.addEventListener("DOMContentLoaded", function () {
  if (typeof renderMathInElement !== "function") return;
  document.querySelectorAll(".math").forEach(function (el) {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false }
      ],
      throwOnError: false
    });
  });
});
"""#

    public static func compile(_ source: String) throws -> MustacheTemplate {
        try MustacheTemplate(string: source)
    }
}
