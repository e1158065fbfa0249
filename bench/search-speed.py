#!/usr/bin/env python3
"""Search budget check: generates a 30-chapter book (English and Japanese prose, no experiments), builds it
with labbook, and runs queries in headless Chromium, printing the index size against the pages and the query
times. Usage: bench/search-speed.py [path/to/labbook] (default: .build/debug/labbook). Needs chromium."""
import json, os, random, re, shutil, subprocess, sys, tempfile, html

labbook = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/labbook"
rng = random.Random(12)
words = ("gradient activation network layer weight bias loss epoch batch sigmoid tanh relu softmax entropy "
         "initialisation variance saturation learning rate momentum optimiser training validation accuracy "
         "neuron hidden output input backpropagation derivative chain rule matrix vector dropout overfitting "
         "regularisation convolution pooling kernel stride feature map residual normalisation").split()
ja = "勾配 活性化 関数 ネットワーク 層 重み 学習 損失 誤差 逆伝播 初期化 分散 飽和 精度 訓練 検証 ニューロン 行列".split()

root = tempfile.mkdtemp(prefix="labbook-search-speed-")
book, out = os.path.join(root, "book"), os.path.join(root, "out")
os.makedirs(os.path.join(book, "chapters"))
open(os.path.join(book, "book.yml"), "w").write("title: Thirty chapters\n")
for c in range(1, 31):
    lines = [f"# Chapter {c}: {rng.choice(words).title()} and {rng.choice(words)}", ""]
    for s in range(8):
        lines += [f"## Section {c}.{s + 1} on {rng.choice(words)}", ""]
        for p in range(4):
            en = " ".join(rng.choice(words) for _ in range(70)) + "."
            jp = "".join(rng.choice(ja) + rng.choice("はがをにでと") for _ in range(25)) + "。"
            lines += [en.capitalize(), "", jp, ""]
    open(os.path.join(book, "chapters", f"{c:02d}-chapter.md"), "w").write("\n".join(lines))

subprocess.run([labbook, "build", book, "--output", out, "--no-cache"], check=True, stdout=subprocess.DEVNULL)
pages = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".html")]
html_bytes = sum(os.path.getsize(p) for p in pages)
def visible(p):
    t = open(p, encoding="utf-8").read()
    t = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", t)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split())
text_bytes = sum(len(visible(p).encode()) for p in pages)
index_bytes = os.path.getsize(os.path.join(out, "assets", "search-index.js"))

queries = ["gradient", "saturation variance", "勾配", "ネットワーク", "逆伝播 学習", "normalis", "dropout kernel stride", "zzz"]
page = """<!DOCTYPE html><html><head><meta charset="utf-8"><script src="assets/search-index.js"></script>
<script src="assets/labbook.js"></script></head><body><pre id="out"></pre><script>
var qs = %s, r = {};
var c0 = performance.now(); window.labbookSearch("ネットワーク gradient"); var cold = performance.now() - c0;   // a fresh page's first query
qs.forEach(function (q) { window.labbookSearch(q); });   // warm up (the JIT, the prefix key list)
qs.forEach(function (q) {
  var times = [];
  for (var k = 0; k < 20; k++) { var t0 = performance.now(); var n = window.labbookSearch(q).length; times.push(performance.now() - t0); }
  times.sort(function (a, b) { return a - b; });
  r[q] = {results: n, median_ms: times[10], p90_ms: times[18], max_ms: times[19]};
});
r["first query of the page (cold)"] = {results: -1, median_ms: cold, p90_ms: cold, max_ms: cold};
document.getElementById("out").textContent = "RESULT" + JSON.stringify(r) + "END";
</script></body></html>""" % json.dumps(queries)
open(os.path.join(out, "speed.html"), "w", encoding="utf-8").write(page)
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + os.path.join(out, "speed.html")],
                     capture_output=True, text=True).stdout
m = re.search(r"RESULT(.*)END", dom)
results = json.loads(html.unescape(m.group(1)))
print(f"pages: {len(pages)}, HTML {html_bytes} bytes, visible text {text_bytes} bytes")
print(f"index: {index_bytes} bytes = {100 * index_bytes / html_bytes:.1f} % of the pages' HTML, {100 * index_bytes / text_bytes:.1f} % of their visible text")
for q, r in results.items():
    print(f"  {q!r}: {r['results']} results, median {r['median_ms']:.2f} ms, 19th of 20 {r['p90_ms']:.2f} ms, max {r['max_ms']:.2f} ms")
shutil.rmtree(root) if not os.environ.get("KEEP") else print(root)
