// The page template (swift-mustache). A book's `templates/page.mustache` replaces the built-in one.
import Mustache

public enum PageTemplate {
    /// Variables: lang, pageTitle, bookTitle, root (relative path to the site root, "" or "../"),
    /// body (content with the chapter TOC after its <h1>), content (HTML without the TOC), toc (HTML),
    /// sidebar (the book's chapters and this chapter's sections, HTML), strings (the chrome's words in the
    /// page's language: contents, search, searchPlaceholder, menu, previous, next), stringsJSON (the same for
    /// the script), isIndex, chapterPosition, prev/next {href, titleHTML}, katex (bool), highlight (bool),
    /// customCSS (bool).
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
{{/katex}}
{{#highlight}}
<link rel="stylesheet" href="{{root}}assets/highlight/light.css" media="(prefers-color-scheme: light)">
<link rel="stylesheet" href="{{root}}assets/highlight/dark.css" media="(prefers-color-scheme: dark)">
<script defer src="{{root}}assets/highlight/highlight.min.js"></script>
{{/highlight}}
<script>window.LABBOOK_STRINGS = {{{stringsJSON}}};</script>
<script defer src="{{root}}assets/search-index.js"></script>
<script defer src="{{root}}assets/labbook.js"></script>
{{#customCSS}}
<link rel="stylesheet" href="{{root}}assets/custom.css">
{{/customCSS}}
</head>
<body>
<header class="site-header"><div class="inner">
<button class="sidebar-toggle" type="button" aria-controls="sidebar" aria-expanded="false" hidden>{{strings.menu}}</button>
<a class="book-title" href="{{root}}index.html">{{bookTitle}}</a>
{{^isIndex}}<span class="chapter-count">{{chapterPosition}}</span>{{/isIndex}}
<form class="search" role="search" data-root="{{root}}" hidden>
<input type="search" id="search-input" placeholder="{{strings.searchPlaceholder}}" aria-label="{{strings.search}}" autocomplete="off">
<ol id="search-results" class="search-results" hidden></ol>
</form>
</div></header>
<div class="layout">
{{{sidebar}}}
<div class="page">
<main>
{{{body}}}
</main>
{{^isIndex}}
<nav class="page-nav" aria-label="{{strings.contents}}">
{{#prev}}<a class="prev" rel="prev" href="{{href}}"><span class="label">{{strings.previous}}</span>{{{titleHTML}}}</a>{{/prev}}
{{#next}}<a class="next" rel="next" href="{{href}}"><span class="label">{{strings.next}}</span>{{{titleHTML}}}</a>{{/next}}
</nav>
{{/isIndex}}
</div>
</div>
</body>
</html>
"""#

    public static func compile(_ source: String) throws -> MustacheTemplate {
        try MustacheTemplate(string: source)
    }
}
