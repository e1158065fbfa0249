// Styles for the reader's site chrome: sidebar layout, search box and results, copy buttons, numbers, references.

enum SiteStyles {
    static let css = #"""
/* Sidebar and layout: two columns above 700 px; below, the sidebar sits above the page, and the script
   folds it behind the Menu button (without JavaScript it stays open). */
.site-header .inner { max-width: none; }
.layout { display: grid; grid-template-columns: 16rem minmax(0, 1fr); align-items: start; }
.layout .page { min-width: 0; }
.sidebar { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding: 1rem .75rem 2rem 1rem;
  border-right: 1px solid var(--border); font-size: .92rem; line-height: 1.4; }
.sidebar-heading { font-weight: 650; color: var(--muted); text-transform: uppercase; font-size: .78rem; letter-spacing: .05em; margin: 0 0 .5rem; }
.sidebar ol { list-style: none; padding: 0; margin: 0; }
.sidebar-chapters > li { margin: 0 0 .4rem; }
.sidebar a { text-decoration: none; color: var(--fg); display: block; padding: .15rem .4rem; border-radius: 4px; }
.sidebar a:hover { background: var(--panel); }
.sidebar .current > a { background: var(--panel); color: var(--accent); font-weight: 600; border-left: 3px solid var(--accent); }
.sidebar-sections { margin: .25rem 0 .5rem .75rem !important; font-size: .88rem; }
.sidebar-sections a { color: var(--muted); }
.sidebar-toggle { font: inherit; font-size: .9rem; padding: .2rem .6rem; border: 1px solid var(--border); border-radius: 4px;
  background: var(--bg); color: var(--fg); cursor: pointer; display: none; }
@media (max-width: 700px) {
  .layout { display: block; }
  .sidebar { position: static; max-height: none; border-right: none; border-bottom: 1px solid var(--border); }
  .js .sidebar:not(.open) { display: none; }
  .js .sidebar-toggle:not([hidden]) { display: inline-block; }
}
/* Search */
.search { position: relative; margin-left: auto; }
.search input { font: inherit; font-size: .92rem; width: 16rem; max-width: 60vw; padding: .3rem .55rem; border: 1px solid var(--border);
  border-radius: 6px; background: var(--bg); color: var(--fg); }
.search-results { position: absolute; right: 0; top: 2.2rem; z-index: 10; width: min(30rem, 92vw); max-height: 70vh; overflow-y: auto;
  list-style: none; margin: 0; padding: .25rem; background: var(--bg); border: 1px solid var(--border); border-radius: 8px;
  box-shadow: 0 6px 24px rgba(0, 0, 0, .18); }
.search-results a { display: block; padding: .45rem .6rem; text-decoration: none; color: var(--fg); border-radius: 6px; }
.search-results a:hover, .search-results a:focus { background: var(--panel); }
.search-results .result-where { display: block; font-weight: 600; font-size: .88rem; color: var(--accent); }
.search-results .result-snippet { display: block; font-size: .85rem; color: var(--muted); }
.search-results mark { background: #ffe58a; color: #000; border-radius: 2px; }
.search-results .no-results { padding: .45rem .6rem; color: var(--muted); }
@media (max-width: 700px) { .search { margin-left: 0; width: 100%; } .search input { width: 100%; max-width: none; } }
@media (max-width: 480px) { .site-header .chapter-count { display: none; } }
/* Code: copy button; highlight.js themes keep the page's code background */
pre code.hljs { background: none; padding: 0; }
pre { position: relative; }
.copy-button { position: absolute; top: .4rem; right: .4rem; font: inherit; font-size: .75rem; padding: .1rem .45rem;
  border: 1px solid var(--border); border-radius: 4px; background: var(--panel); color: var(--muted); cursor: pointer; opacity: .8; }
.copy-button:hover, .copy-button:focus { opacity: 1; color: var(--fg); }
/* Numbers, references, data links */
.figure-number, .caption-number { font-weight: 650; }
caption { caption-side: top; text-align: left; font-size: .92rem; padding: 0 0 .4rem; }
.equation { display: flex; align-items: center; gap: 1rem; }
.equation .math.display { flex: 1; min-width: 0; }
.eq-number { white-space: nowrap; color: var(--muted); }
.xref-error, .citation-error { color: var(--error-fg); background: var(--error-bg); font-family: ui-monospace, monospace; font-size: .9em; }
.references .reference-list { padding-left: 1.5rem; font-size: .95rem; }
.references .reference-list li { margin-bottom: .5rem; overflow-wrap: anywhere; }
.figure-data { font-size: .82rem; color: var(--muted); margin: .75rem 0 0; }
@media print { .sidebar, .search, .copy-button, .sidebar-toggle { display: none !important; } .layout { display: block; } }
"""#
}
