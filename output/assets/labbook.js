(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var L = window.LABBOOK_STRINGS || {};

  function typeset() {
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
  }

  function highlight() {
    if (!window.hljs) return;
    document.querySelectorAll("pre code[class*='language-']").forEach(function (el) {
      if (/language-(experiment|text|plain)\b/.test(el.className)) return;
      try { window.hljs.highlightElement ? window.hljs.highlightElement(el) : window.hljs.highlightBlock(el); } catch (e) {}
    });
  }

  // Clipboard API where the page is a secure context, else a selected textarea (works from file://).
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }
  function fallback(text) {
    var t = document.createElement("textarea");
    t.value = text; t.setAttribute("readonly", ""); t.style.position = "fixed"; t.style.opacity = "0";
    document.body.appendChild(t); t.select();
    try { document.execCommand("copy"); } catch (e) {}
    document.body.removeChild(t);
  }
  function copyButtons() {
    document.querySelectorAll("pre > code").forEach(function (code) {
      var pre = code.parentNode;
      if (pre.querySelector(".copy-button")) return;
      var b = document.createElement("button");
      b.type = "button"; b.className = "copy-button"; b.textContent = L.copy || "Copy";
      b.addEventListener("click", function () {
        copyText(code.innerText, function () {
          b.textContent = L.copied || "Copied";
          setTimeout(function () { b.textContent = L.copy || "Copy"; }, 1500);
        });
      });
      pre.appendChild(b);
    });
  }

  function sidebar() {
    var button = document.querySelector(".sidebar-toggle"), nav = document.getElementById("sidebar");
    if (!button || !nav) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Search: the same tokens as the index (words lower-cased; CJK as character bigrams).
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
  function tokens(q) {
    var out = [], word = "", cjk = [];
    function fw() { if (word) { out.push(word); word = ""; } }
    function fc() {
      if (cjk.length === 1) out.push(cjk[0]);
      for (var i = 0; i + 1 < cjk.length; i++) out.push(cjk[i] + cjk[i + 1]);
      cjk = [];
    }
    Array.from(q.toLowerCase()).forEach(function (ch) {
      if (CJK.test(ch)) { fw(); cjk.push(ch); }
      else if (/[\p{L}\p{N}]/u.test(ch)) { fc(); word += ch; }
      else { fw(); fc(); }
    });
    fw(); fc();
    return out;
  }
  // The index's numbers: base-45 digits in 90 characters ('#'..'~' without '\\' and '<'); a digit >= 45
  // means more digits follow.
  var DIGIT = (function () {
    var t = {}, k = 0;
    for (var c = 0x23; c <= 0x7e; c++) { if (c === 0x5c || c === 0x3c) continue; t[String.fromCharCode(c)] = k++; }
    return t;
  })();
  function numbers(s) {
    var out = [], v = 0;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s[i]];
      if (d >= 45) { v = v * 45 + d - 45; } else { out.push(v * 45 + d); v = 0; }
    }
    return out;
  }
  function postings(S, term) {
    var gaps = S.terms[term];
    if (gaps === undefined) return [];
    var docs = [], last = -1;
    numbers(gaps).forEach(function (g) { last += g + 1; docs.push(last); });
    return docs;
  }
  function docText(S, d) {
    return numbers(S.docs[d][3]).map(function (id) { return S.vocab[id]; }).join("");
  }
  var termKeys = null;
  // Documents holding every token, in book order, the first 20 with snippets; the last word also matches as a
  // prefix ("activ" finds "activation").
  function search(q) {
    var S = window.LABBOOK_SEARCH;
    if (!S) return [];
    var ts = tokens(q);
    if (!ts.length) return [];
    var result = null;
    ts.forEach(function (t, i) {
      var docs = {};
      postings(S, t).forEach(function (d) { docs[d] = true; });
      if (i === ts.length - 1 && !CJK.test(t) && t.length >= 2) {
        termKeys = termKeys || Object.keys(S.terms);
        for (var k = 0; k < termKeys.length; k++) {
          if (termKeys[k].lastIndexOf(t, 0) === 0) postings(S, termKeys[k]).forEach(function (d) { docs[d] = true; });
        }
      }
      result = result === null ? docs : Object.keys(result).reduce(function (acc, d) { if (docs[d]) acc[d] = true; return acc; }, {});
    });
    var ids = Object.keys(result || {}).map(Number).sort(function (a, b) { return a - b; });
    return ids.slice(0, 20).map(function (d) {
      var doc = S.docs[d], chapter = S.chapters[doc[0]];
      return { href: chapter[0] + (doc[1] ? "#" + doc[1] : ""), chapter: chapter[1], section: doc[2], snippet: snippet(docText(S, d), ts) };
    });
  }
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  // Text around the first match, every match of a token marked.
  function snippet(text, ts) {
    var low = text.toLowerCase(), at = -1;
    ts.forEach(function (t) { var i = low.indexOf(t); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 60), end = Math.min(text.length, (at < 0 ? 0 : at) + 120);
    var piece = text.slice(start, end), lp = piece.toLowerCase(), marks = [];
    ts.forEach(function (t) { for (var i = lp.indexOf(t); i >= 0; i = lp.indexOf(t, i + t.length)) marks.push([i, i + t.length]); });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var html = "", pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) { if (m[1] > pos) { html = html.replace(/<\/mark>$/, "") + esc(piece.slice(pos, m[1])) + "</mark>"; pos = m[1]; } return; }
      html += esc(piece.slice(pos, m[0])) + "<mark>" + esc(piece.slice(m[0], m[1])) + "</mark>"; pos = m[1];
    });
    html += esc(piece.slice(pos));
    return (start > 0 ? "… " : "") + html + (end < text.length ? " …" : "");
  }
  window.labbookSearch = search;

  function searchBox() {
    var form = document.querySelector(".search"), input = document.getElementById("search-input"),
        list = document.getElementById("search-results");
    if (!form || !input || !list) return;
    form.hidden = false;
    var root = form.getAttribute("data-root") || "";
    function show() {
      var q = input.value.trim();
      if (!q) { list.hidden = true; list.innerHTML = ""; return; }
      var rs = search(q);
      list.innerHTML = rs.length ? rs.map(function (r) {
        var where = r.section && r.section !== r.chapter ? esc(r.chapter) + " › " + esc(r.section) : esc(r.chapter);
        return '<li><a href="' + esc(root + r.href) + '"><span class="result-where">' + where + '</span>' +
          '<span class="result-snippet">' + r.snippet + '</span></a></li>';
      }).join("") : '<li class="no-results">' + esc(L.noResults || "No results") + "</li>";
      list.hidden = false;
    }
    input.addEventListener("input", show);
    form.addEventListener("submit", function (e) { e.preventDefault(); var a = list.querySelector("a"); if (a) a.click(); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "/" && document.activeElement !== input && !/^(INPUT|TEXTAREA|SELECT)$/.test((document.activeElement || {}).tagName || "")) {
        e.preventDefault(); input.focus(); input.select();
      } else if (e.key === "Escape" && document.activeElement === input) {
        input.value = ""; show(); input.blur();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    typeset(); highlight(); copyButtons(); sidebar(); searchBox();
  });
})();