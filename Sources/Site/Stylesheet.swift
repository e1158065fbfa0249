// The site's built-in stylesheet: system fonts with CJK fallback, readable measure, dark mode, print.

enum Stylesheet {
    static let css = #"""
/* Labbook default stylesheet. Override by adding assets/custom.css to the book (copied and linked after this). */
:root {
  --fg: #1d1f23; --muted: #5b6370; --bg: #ffffff; --panel: #f6f7f9; --border: #d9dde3;
  --accent: #0a5cad; --error-bg: #fdf1f0; --error-fg: #8a1c12; --error-border: #e3a39b;
  --grid: #e4e7eb; --code-bg: #f3f4f6;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e8eb; --muted: #a3abb7; --bg: #15171a; --panel: #1e2125; --border: #3a3f46;
    --accent: #7cb8ff; --error-bg: #2d1a18; --error-fg: #ffb4a8; --error-border: #7a3a31;
    --grid: #30353c; --code-bg: #23262b;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: var(--bg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
               "Noto Sans", "Noto Sans CJK SC", "Hiragino Sans", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 1.0625rem; line-height: 1.6;
}
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
.site-header { border-bottom: 1px solid var(--border); background: var(--panel); }
.site-header .inner, .page-nav, main { max-width: 60rem; margin: 0 auto; padding: 0 1.25rem; }
.site-header .inner { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; padding-top: .6rem; padding-bottom: .6rem; }
.site-header .book-title { font-weight: 650; text-decoration: none; color: var(--fg); }
.site-header .chapter-count { color: var(--muted); font-size: .9rem; }
main { padding-top: 1.5rem; padding-bottom: 3rem; }
main > *:not(figure):not(.chapter-toc):not(.chapter-list):not(.math) { max-width: 44rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 2rem 0 .75rem; }
h1 { font-size: 2rem; margin-top: .5rem; }
h2 { font-size: 1.45rem; border-bottom: 1px solid var(--border); padding-bottom: .25rem; }
h3 { font-size: 1.15rem; }
h2 .anchor, h3 .anchor { visibility: hidden; text-decoration: none; margin-left: .35rem; color: var(--muted); }
h2:hover .anchor, h3:hover .anchor { visibility: visible; }
p, ul, ol { margin: 0 0 1rem; }
img, svg { max-width: 100%; }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
pre { background: var(--code-bg); padding: .8rem 1rem; overflow-x: auto; border-radius: 6px; line-height: 1.45; }
pre code { background: none; padding: 0; }
blockquote { margin: 0 0 1rem; padding: .1rem 1rem; border-left: 4px solid var(--border); color: var(--muted); }
table { border-collapse: collapse; margin: 0 0 1rem; font-size: .95rem; }
th, td { border-bottom: 1px solid var(--border); padding: .35rem .7rem; text-align: left; vertical-align: top; }
th { font-weight: 600; }
figure table { font-size: .875rem; }
figure th, figure td { padding: .3rem .5rem; }
td[style*="text-align: right"], th[style*="text-align: right"] { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.math.display { display: block; overflow-x: auto; overflow-y: hidden; margin: 1rem 0; text-align: center; }
/* Experiment figures */
figure.experiment { margin: 2rem 0; padding: 1rem 1.1rem 1.1rem; border: 1px solid var(--border); border-radius: 8px; background: var(--bg); }
figure.experiment > figcaption { font-weight: 600; margin-bottom: .75rem; }
figure.experiment > figcaption .block-id { font-weight: 400; color: var(--muted); font-size: .85rem; margin-left: .5rem; }
figure.experiment > figcaption .block-id a { color: inherit; text-decoration: none; }
.report { margin: 1rem 0 0; }
.report > h4 { font-size: .95rem; margin: 0 0 .5rem; color: var(--muted); font-weight: 600; }
.report-note { color: var(--muted); font-size: .9rem; margin: .35rem 0 0; }
details.echo { margin-top: 1rem; }
details.echo summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
.experiment-error { border: 1px solid var(--error-border); background: var(--error-bg); color: var(--error-fg); border-radius: 6px; padding: .75rem 1rem; margin: .5rem 0; }
.experiment-error .where { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9rem; }
.experiment-error ul { margin: .5rem 0 0; padding-left: 1.2rem; }
.result { font-variant-numeric: tabular-nums; }
.result-error { color: var(--error-fg); background: var(--error-bg); font-family: ui-monospace, monospace; font-size: .9em; }
/* Navigation */
.chapter-toc { border: 1px solid var(--border); background: var(--panel); border-radius: 8px; padding: .5rem 1rem; margin: 0 0 1.5rem; max-width: 44rem; }
.chapter-toc summary { cursor: pointer; font-weight: 600; }
.chapter-toc ol { margin: .5rem 0 .25rem; padding-left: 1.25rem; }
.chapter-list { padding-left: 1.5rem; max-width: 44rem; }
.chapter-list > li { margin-bottom: .75rem; }
.chapter-list > li > a { font-weight: 600; font-size: 1.1rem; }
.chapter-list ol { font-size: .95rem; padding-left: 1.25rem; margin: .25rem 0 0; }
.page-nav { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid var(--border); }
.page-nav a { text-decoration: none; max-width: 48%; }
.page-nav .next { margin-left: auto; text-align: right; }
.page-nav .label { display: block; font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.byline { color: var(--muted); margin-top: -.25rem; }
@media (max-width: 600px) {
  body { font-size: 1rem; }
  h1 { font-size: 1.6rem; }
  figure.experiment { padding: .75rem .6rem; margin-left: -.5rem; margin-right: -.5rem; }
  .page-nav a { max-width: 100%; }
}
@media print {
  .site-header, .page-nav, .chapter-toc, .anchor { display: none !important; }
  body { font-size: 11pt; background: #fff; color: #000; }
  main { max-width: none; }
  figure.experiment { break-inside: avoid; border-color: #999; }
  a { color: inherit; text-decoration: none; }
  pre { white-space: pre-wrap; }
}
"""#
}
